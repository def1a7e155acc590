// The products an order can name, with their standard prices and usage plans.
#include <algorithm>

#include "control/service_items.hpp"

namespace candela::control {

const std::vector<Product>& product_catalog() {
  static const std::vector<Product> products = {
      // $500.00 a month, $1,000.00 set-up; $0.045/GB to 10 TB, $0.03 to 100 TB, $0.02 above.
      Product{
          "cdn-delivery", "CDN HTTP(S) delivery", 50000, 100000,
          UsagePlan{
              UsagePlanKind::kPerGb, {{10000, 4500}, {100000, 3000}, {std::nullopt, 2000}}, 0, 0}},
      // $2,500.00 a month includes 500 Mbps at the 95th percentile; $1.50 per Mbps above it.
      Product{"cdn-delivery-p95", "CDN delivery, 95th percentile", 250000, 100000,
              UsagePlan{UsagePlanKind::kPercentile95, {}, 500, 150000}},
      Product{"log-delivery", "Access log delivery", 10000, 0, UsagePlan{}},
      Product{"origin-shield", "Origin shield", 20000, 25000, UsagePlan{}},
  };
  return products;
}

const Product* find_product(std::string_view code) {
  const auto& products = product_catalog();
  const auto it = std::find_if(products.begin(), products.end(),
                               [&](const Product& product) { return product.code == code; });
  return it == products.end() ? nullptr : &*it;
}

}  // namespace candela::control
