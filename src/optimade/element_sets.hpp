#pragma once
/// Filters on elements, their number and the space group, decided in memory.
///
/// At AtomWork scale the 365k structures fall into about 150k groups with the same element set,
/// number of elements and space group number. A filter such as `elements HAS ALL "Li","O" AND
/// nelements = 3` or `_phasebook_space_group_number = 14 AND elements HAS "C"` looks at nothing
/// else, so the number of structures it matches is the sum over the matching groups, and when
/// they are few the structures are found through the element-mask index of the matching sets.
/// The server keeps one ElementSets per access level, rebuilt when the database changes
/// (server/db_pool.hpp, DbPool::shared_object).
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "optimade/filter.hpp"

namespace pb::store {
class Connection;
}

namespace pb::optimade {

/// One group of structures that filters on elements, nelements and the space group cannot tell
/// apart, and how many structures it holds.
struct ElementSet {
  std::int64_t low = 0, high = 0;  ///< store::element_mask of the elements
  std::int64_t nelements = 0;
  std::optional<std::int64_t> space_group;  ///< unknown for some structures
  std::int64_t structures = 0;
};

/// At most this many tests and operators in a filter decided over element sets.
inline constexpr std::size_t kMaxSteps = 64;

/// A filter compiled to a test on one element set; built by element_set_test().
class ElementSetTest {
 public:
  struct Step;
  ElementSetTest(std::vector<Step> steps);
  ~ElementSetTest();
  ElementSetTest(ElementSetTest&&) noexcept;
  ElementSetTest& operator=(ElementSetTest&&) noexcept;

  /// True when the structures of `set` match the filter (SQL's three-valued logic: unknown does
  /// not match).
  bool operator()(const ElementSet& set) const;

  /// Most filters are a conjunction of element tests and bounds on nelements and the space group
  /// number; these are tested without the program, over arrays.
  struct Conjunction {
    bool never = false;
    std::int64_t need_low = 0, need_high = 0;  ///< every one of these elements
    std::int64_t out_low = 0, out_high = 0;    ///< none of these elements
    std::int64_t nelements_min = INT64_MIN, nelements_max = INT64_MAX;
    /// An unknown space group is -1: any test of the space group sets the minimum to 0 or more.
    std::int64_t space_group_min = INT64_MIN, space_group_max = INT64_MAX;

    /// The tests other than `never`, all evaluated (no branches: loops over groups vectorise).
    bool holds(std::int64_t low, std::int64_t high, std::int64_t nelements,
               std::int64_t space_group) const {
      return ((low & need_low) == need_low) & ((high & need_high) == need_high) &
             ((low & out_low) == 0) & ((high & out_high) == 0) & (nelements >= nelements_min) &
             (nelements <= nelements_max) & (space_group >= space_group_min) &
             (space_group <= space_group_max);
    }
  };
  /// The conjunction, or nullptr when the filter needs the program (OR, NOT, HAS ANY, !=).
  const Conjunction* conjunction() const { return conjunction_ ? &*conjunction_ : nullptr; }

 private:
  std::vector<Step> steps_;  // postfix program
  std::optional<Conjunction> conjunction_;
};

/// The test for a structure filter that looks at nothing but `elements` (HAS, HAS ALL, HAS ANY,
/// HAS ONLY with string values, LENGTH), `nelements` and `_phasebook_space_group_number`
/// (compared with numbers, IS KNOWN), under AND, OR and NOT; nullopt for any other filter. It
/// decides what to_sql() decides for the same filter (call to_sql() first: it reports the errors).
std::optional<ElementSetTest> element_set_test(const Filter& filter);

/// The element sets (with space group) of the structures a connection sees (a guest
/// connection's views hide restricted datasets), with how many structures have each.
class ElementSets {
 public:
  using Set = ElementSet;
  /// Reads the structure table through `connection` (its structure_space_group index).
  static ElementSets load(store::Connection& connection);

  /// How many structures match.
  std::int64_t count(const ElementSetTest& test) const;
  /// The element masks of the matching sets as a JSON array of [low, high] pairs, for
  /// `(elements_mask_low, elements_mask_high) IN (SELECT ... FROM json_each(?))`.
  std::string matching_masks_json(const ElementSetTest& test) const;
  std::size_t size() const { return low_.size(); }
  Set at(std::size_t i) const;

 private:
  template <class Hit>
  void each_match(const ElementSetTest& test, Hit hit) const;

  // One array per column, so that testing a conjunction is one pass the compiler vectorises.
  std::vector<std::int64_t> low_, high_;
  std::vector<std::int32_t> nelements_;
  std::vector<std::int32_t> space_group_;  // -1: unknown
  std::vector<std::int32_t> structures_;
  // For each bit of the element masks (low 0-63, high 64-127), the groups holding it, in order.
  std::vector<std::vector<std::uint32_t>> by_element_;
};

}  // namespace pb::optimade
