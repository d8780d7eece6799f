// cnisim graph: the topology (devices and links) as Graphviz DOT, or drawn as SVG or PNG by Graphviz's
// dot where it is installed.
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "models/cluster/builder.hpp"
#include "models/cluster/views.hpp"
#include "tools/cnisim/graphviz.hpp"
#include "tools/cnisim/scenario_input.hpp"

namespace cnisim::cli {
namespace {

// Graphviz's layout of a large cluster can take long; a run past this is stopped.
constexpr int kDotTimeoutMs = 120000;

std::string draw(const std::string& dot_text, const std::string& format) {
  const Drawing d = run_dot(dot_text, format, kDotTimeoutMs);
  if (d.missing) {
    throw std::runtime_error("--format " + format +
                             " needs Graphviz's `dot`, which is not installed (apt-get install graphviz); "
                             "or write DOT and draw it elsewhere: cnisim graph > topology.dot");
  }
  if (!d.ok()) {
    throw std::runtime_error("dot -T" + format + " failed (exit " + std::to_string(d.exit_code) + "): " + d.err);
  }
  return d.out;
}

}  // namespace

Subcommand graph_subcommand() {
  Subcommand s;
  s.name = "graph";
  s.summary = "draw the cluster's topology (Graphviz DOT, or SVG / PNG through Graphviz)";
  s.usage = "cnisim graph [-f FILE] [--plugin P] [--format dot|svg|png] [-o FILE]";
  s.examples =
      "  cnisim graph > topology.dot                           # DOT text\n"
      "  cnisim graph --format svg -o topology.svg             # needs Graphviz (apt-get install graphviz)\n"
      "  cnisim graph --plugin azure --format png -o azure.png\n"
      "A box per node; the VNet router in the middle; a colour per device kind, with a legend; the full\n"
      "name of each device is its tooltip in the SVG.\n";
  s.options = [](po::options_description& o, po::positional_options_description&) {
    add_scenario_options(o);
    o.add_options()("format", po::value<std::string>()->default_value("dot")->value_name("FORMAT"),
                    "dot | svg | png (svg and png are drawn by Graphviz's dot)")(
        "output,o", po::value<std::string>()->value_name("FILE"), "write to FILE instead of stdout");
  };
  s.run = [](const po::variables_map& vm) {
    const auto& format = vm["format"].as<std::string>();
    if (format != "dot" && format != "svg" && format != "png") {
      throw UsageError("unknown --format '" + format + "': expected dot, svg or png (e.g. --format svg)");
    }
    if (format == "png" && !vm.count("output") && ::isatty(1)) {
      throw UsageError("--format png writes binary data: give -o FILE (e.g. -o topology.png) or redirect stdout");
    }
    const auto dot_text = cluster::view_graph(cluster::build_cluster(load_scenario(vm)));
    const auto text = format == "dot" ? dot_text : draw(dot_text, format);
    if (vm.count("output")) {
      const auto& path = vm["output"].as<std::string>();
      std::ofstream out(path, std::ios::binary);
      if (!(out << text) || !out.flush()) throw std::runtime_error("cannot write " + path);
    } else {
      std::cout << text;
    }
    return 0;
  };
  return s;
}

}  // namespace cnisim::cli
