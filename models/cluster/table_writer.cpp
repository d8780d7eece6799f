#include "models/cluster/table_writer.hpp"

#include <algorithm>

namespace cnisim::cluster {

std::string TableWriter::str() const {
  std::vector<std::size_t> width;
  for (const auto& r : rows_) {
    if (r.size() > width.size()) width.resize(r.size(), kMinWidth);
    for (std::size_t c = 0; c + 1 < r.size(); ++c) width[c] = std::max(width[c], r[c].size() + kPadding);
  }
  std::string out;
  for (const auto& r : rows_) {
    for (std::size_t c = 0; c < r.size(); ++c) {
      out += r[c];
      if (c + 1 < r.size()) out.append(width[c] - r[c].size(), ' ');
    }
    out += '\n';
  }
  return out;
}

}  // namespace cnisim::cluster
