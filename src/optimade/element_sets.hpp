#pragma once
/// Filters on elements and their number alone, decided over element sets in memory.
///
/// At AtomWork scale 365k structures have about 106k distinct (element set, number of elements)
/// pairs, counted per dataset in structure_element_set (schema 8, kept by triggers). A filter
/// such as `elements HAS ALL "Li","O" AND nelements = 3` depends on nothing but a structure's
/// element set, so the number of structures it matches is the sum over the matching sets, and
/// the structures themselves are found through the element-mask index of the matching sets.
/// The server keeps one ElementSets per read connection, reloaded when the database changes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "optimade/filter.hpp"

namespace pb::store {
class Connection;
}

namespace pb::optimade {

/// A filter compiled to a test on one element set; built by element_set_test().
class ElementSetTest {
 public:
  struct Step;
  ElementSetTest(std::vector<Step> steps);
  ~ElementSetTest();
  ElementSetTest(ElementSetTest&&) noexcept;
  ElementSetTest& operator=(ElementSetTest&&) noexcept;

  /// True when a structure with these element masks (store::element_mask) and this number of
  /// elements matches the filter.
  bool operator()(std::int64_t low, std::int64_t high, std::int64_t nelements) const;

 private:
  std::vector<Step> steps_;  // postfix program
};

/// The test for a structure filter that looks at nothing but `elements` (HAS, HAS ALL, HAS ANY,
/// HAS ONLY with string values, LENGTH) and `nelements` (compared with numbers), under AND, OR
/// and NOT; nullopt for any other filter. It decides what to_sql() decides for the same filter
/// (call to_sql() first: it reports the errors).
std::optional<ElementSetTest> element_set_test(const Filter& filter);

/// The element sets of the structures a connection sees (a guest connection's views hide
/// restricted datasets), with how many structures have each.
class ElementSets {
 public:
  struct Set {
    std::int64_t low = 0, high = 0;
    std::int64_t nelements = 0;
    std::int64_t structures = 0;
  };
  /// Reads structure_element_set through `connection`.
  static ElementSets load(store::Connection& connection);

  /// How many structures match.
  std::int64_t count(const ElementSetTest& test) const;
  /// The element masks of the matching sets as a JSON array of [low, high] pairs, for
  /// `(elements_mask_low, elements_mask_high) IN (SELECT ... FROM json_each(?))`.
  std::string matching_masks_json(const ElementSetTest& test) const;
  std::size_t size() const { return sets_.size(); }

 private:
  std::vector<Set> sets_;
};

}  // namespace pb::optimade
