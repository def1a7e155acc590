// Content-Type by file extension for the files the origin serves.
#pragma once

#include <string_view>

namespace candela::origin {

// The media type for a file name's extension (case-insensitive); application/octet-stream when
// the extension is unknown.
std::string_view content_type_for(std::string_view file_name);

}  // namespace candela::origin
