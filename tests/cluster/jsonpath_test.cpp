// kubectl's JSONPath templates: the article's template, each construct kubectl documents, errors, and
// random field paths against direct navigation of the same JSON.
#include <catch2/catch.hpp>

#include <random>

#include "models/cluster/jsonpath.hpp"

namespace json = boost::json;
using cnisim::cluster::JsonPath;
using cnisim::cluster::JsonPathError;

namespace {

const json::value kList = json::parse(R"({
  "kind": "List",
  "items": [
    {"metadata": {"name": "a", "labels": {"app": "web", "k8s.io/zone": "1"}}, "spec": {"podCIDR": "10.244.0.0/24", "n": 3}},
    {"metadata": {"name": "b", "labels": {"app": "db"}}, "spec": {"podCIDR": "10.244.1.0/24", "n": 1}},
    {"metadata": {"name": "c", "labels": {"app": "web"}}, "spec": {"podCIDR": "10.244.2.0/24", "n": 2}}
  ]
})");

std::string run(const std::string& t) { return JsonPath(t).execute(kList); }

}  // namespace

TEST_CASE("the article's podCIDR template prints each node's range separated by spaces") {
  CHECK(run("{.items[*].spec.podCIDR}") == "10.244.0.0/24 10.244.1.0/24 10.244.2.0/24");
  CHECK(run("{$.items[*].spec.podCIDR}") == "10.244.0.0/24 10.244.1.0/24 10.244.2.0/24");
}

TEST_CASE("jsonpath indexes slices wildcards recursion and quoted keys as kubectl documents them") {
  CHECK(run("{.items[0].metadata.name}") == "a");
  CHECK(run("{.items[-1].metadata.name}") == "c");
  CHECK(run("{.items[0:2].metadata.name}") == "a b");
  CHECK(run("{.items[1:].metadata.name}") == "b c");
  CHECK(run("{..name}") == "a b c");
  CHECK(run("{.items[0].metadata.labels['k8s.io/zone']}") == "1");
  CHECK(run("{.items[0].metadata.labels.app}") == "web");
  CHECK(run("{.items[0].spec}") == R"({"podCIDR":"10.244.0.0/24","n":3})");
  CHECK(run("kind={.kind}") == "kind=List");
  CHECK(run("{.items[7].metadata.name}").empty());
}

TEST_CASE("jsonpath filters compare strings and numbers and test presence") {
  CHECK(run("{.items[?(@.metadata.labels.app==\"web\")].metadata.name}") == "a c");
  CHECK(run("{.items[?(@.metadata.labels.app!='web')].metadata.name}") == "b");
  CHECK(run("{.items[?(@.spec.n>1)].metadata.name}") == "a c");
  CHECK(run("{.items[?(@.spec.n<=1)].metadata.name}") == "b");
  CHECK(run("{.items[?(@.spec.n)].metadata.name}") == "a b c");
}

TEST_CASE("range and end repeat a template per item with quoted literals") {
  CHECK(run("{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.podCIDR}{\"\\n\"}{end}") ==
        "a\t10.244.0.0/24\nb\t10.244.1.0/24\nc\t10.244.2.0/24\n");
  CHECK(run("{range .items[?(@.spec.n>1)]}[{.metadata.name}]{end}") == "[a][c]");
}

TEST_CASE("a template that does not parse is refused with where and what") {
  CHECK_THROWS_WITH(JsonPath("{.items[*}"), Catch::Contains("expected ]"));
  CHECK_THROWS_WITH(JsonPath("{.items"), Catch::Contains("unclosed {"));
  CHECK_THROWS_WITH(JsonPath("{range .items[*]}{.a}"), Catch::Contains("without its {end}"));
  CHECK_THROWS_WITH(JsonPath("{end}"), Catch::Contains("without a {range"));
  CHECK_THROWS_WITH(JsonPath("{.items[?(@.a=~\"x\")]}"), Catch::Contains("unknown operator"));
  CHECK_THROWS_AS(JsonPath("{.items[?(@.a==x)]}"), JsonPathError);
  CHECK_THROWS_WITH(JsonPath("{.a}").execute(kList, false), Catch::Contains(".a is not found"));
}

TEST_CASE("random field paths select what direct navigation of the same JSON finds") {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    // A random nested object of depth 3, then a random path that exists in it or not.
    json::object root;
    std::vector<std::string> keys{"a", "b", "c-d", "e_f"};
    for (const auto& k1 : keys) {
      json::object level;
      for (const auto& k2 : keys) level[k2] = json::object{{"x", static_cast<std::int64_t>(random() % 100)}};
      root[k1] = std::move(level);
    }
    const auto k1 = keys[random() % keys.size()], k2 = keys[random() % keys.size()];
    const bool present = random() % 4 != 0;
    const std::string leaf = present ? "x" : "y";
    const json::value v(root);
    const auto got = JsonPath("{." + k1 + "." + k2 + "." + leaf + "}").execute(v);
    const auto* direct = root.at(k1).as_object().at(k2).as_object().if_contains(leaf);
    CHECK(got == (direct ? json::serialize(*direct) : std::string()));
  }
}
