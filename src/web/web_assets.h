#pragma once
// The dashboard's files (web/ in the source tree), compiled into the binary at build time by
// embed_web_assets.cmake, so that `rehook serve` needs no files beside it.

#include <span>
#include <string_view>

namespace rehook {

struct WebAsset {
  std::string_view path;     // the URL path: "/" for index.html, "/assets/..." for the rest
  std::string_view content;  // the file's exact bytes
  std::string_view etag;     // a quoted strong validator: a digest of the content
};

// Every embedded file, in no particular order. Generated (web_assets.cpp in the build tree).
std::span<const WebAsset> EmbeddedWebAssets();

}  // namespace rehook
