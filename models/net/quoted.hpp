#pragma once
// Quotes user input in error messages: quoted("10.0.0.0/33") is "\"10.0.0.0/33\"".
#include <string>
#include <string_view>

namespace cnisim::net {

inline std::string quoted(std::string_view text) {
  std::string out;  // built by append: GCC 12 warns falsely (-Wrestrict) on "\"" + std::string(...)
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

}  // namespace cnisim::net
