// gzip for tests: compress a string, and decompress every member of a multi-member gzip (the
// portal serves a day of logs as the concatenation of its gzip chunks).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace candela::testing {

std::string gzip_compress(std::string_view data);
// All members decompressed and concatenated; nullopt when the data is not valid gzip.
std::optional<std::string> gzip_decompress(std::string_view data);
// Splits text into lines without their '\n' (a trailing empty line is not returned).
std::vector<std::string> split_lines(std::string_view text);

}  // namespace candela::testing
