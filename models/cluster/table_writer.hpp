#pragma once
// Column alignment exactly as kubectl prints tables: Go's text/tabwriter with minwidth 6, padding 3
// and ' ' as pad character (k8s.io/cli-runtime printers/tabwriter.go). Every column but the last
// is padded to max(6, widest cell + 3); the last column is written as is.
#include <string>
#include <vector>

namespace cnisim::cluster {

class TableWriter {
 public:
  static constexpr std::size_t kMinWidth = 6;  // tabwriterMinWidth
  static constexpr std::size_t kPadding = 3;   // tabwriterPadding

  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  std::string str() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace cnisim::cluster
