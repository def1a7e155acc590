// Static file serving for the web UI with path confinement and conditional GET.
#include "portal/static_files.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "portal/etag.hpp"
#include "portal/problem.hpp"

namespace candela::portal {

namespace fs = std::filesystem;

namespace {

bool is_within(const fs::path& root, const fs::path& candidate) {
  auto root_it = root.begin();
  auto it = candidate.begin();
  for (; root_it != root.end(); ++root_it, ++it) {
    if (it == candidate.end() || *it != *root_it) return false;
  }
  return true;
}

std::optional<std::string> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

}  // namespace

StaticFiles::StaticFiles(const fs::path& root) {
  std::error_code error;
  root_ = fs::canonical(root, error);
  if (error || !fs::is_directory(root_)) {
    throw std::runtime_error("web UI folder " + root.string() + " does not exist");
  }
}

std::string_view StaticFiles::content_type_for(const fs::path& file) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  };
  std::string extension = file.extension().string();
  for (char& c : extension)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [suffix, type] : kTypes) {
    if (extension == suffix) return type;
  }
  return "application/octet-stream";
}

Response StaticFiles::serve(const Request& request) const {
  if (request.path.empty() || request.path.front() != '/') {
    return bad_request("the request path must start with '/'").to_response(request.request_id);
  }
  fs::path relative;
  std::string_view rest = std::string_view(request.path).substr(1);
  std::string last;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto decoded = percent_decode(rest.substr(0, slash), false);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (!decoded || *decoded == "." || *decoded == ".." ||
        decoded->find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
      return bad_request("the path is not allowed").to_response(request.request_id);
    }
    if (decoded->empty()) continue;
    relative /= *decoded;
    last = *decoded;
  }
  fs::path index = root_ / "index.html";
  if (relative.empty()) return serve_file(request, index);

  std::error_code error;
  fs::path file = fs::canonical(root_ / relative, error);
  if (!error && is_within(root_, file) && fs::is_regular_file(file)) {
    return serve_file(request, file);
  }
  if (!error && !is_within(root_, file)) {
    return not_found("no file at " + request.path).to_response(request.request_id);
  }
  if (last.find('.') == std::string::npos) return serve_file(request, index);
  return not_found("no file at " + request.path).to_response(request.request_id);
}

Response StaticFiles::serve_file(const Request& request, const fs::path& file) const {
  auto content = read_file(file);
  if (!content) {
    return not_found("no file at " + request.path).to_response(request.request_id);
  }
  ETag tag = ETag::from_content(*content);
  // no-cache: browsers keep the files but revalidate, so a deployed UI shows up at once.
  if (evaluate_if_none_match(request, tag) == ReadPrecondition::kNotModified) {
    Response response = not_modified(tag);
    response.add_header("Cache-Control", "no-cache");
    return response;
  }
  Response response =
      Response::with_body(200, std::string(content_type_for(file)), std::move(*content));
  response.add_header("ETag", tag.header_value());
  response.add_header("Cache-Control", "no-cache");
  response.add_header("X-Content-Type-Options", "nosniff");
  if (request.method == "HEAD") {
    response.add_header("Content-Length", std::to_string(response.body.size()));
    response.body.clear();
  }
  return response;
}

}  // namespace candela::portal
