#pragma once
/// Structure files by format, chosen from the file name: a table of formats (CIF, POSCAR,
/// extended XYZ, OPTIMADE JSON), each with its reader and writer; adding a format is one entry.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crystal/cif_structure.hpp"
#include "crystal/cif_writer.hpp"
#include "crystal/structure.hpp"

namespace pb::crystal {

/// A structure read from a file, with where it came from.
struct LoadedStructure {
  Structure structure;
  std::string source;                 ///< "file" or "file data_block"
  std::optional<CifStructure> cif;    ///< what the CIF declared (symmetry, citation, formula)
  std::vector<std::string> warnings;  ///< "file:line: warning: ..."
};

/// Everything a file yields: the good structures and a located message per bad one.
struct LoadResult {
  std::vector<LoadedStructure> structures;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;  ///< about the file as a whole (CIF syntax oddities)
};

/// A file format and how to recognise it.
struct StructureFormat {
  std::string_view name;  ///< "cif", "poscar", "xyz", "optimade"
  std::string_view description;
};

/// The formats, in the order they are tried when guessing.
const std::vector<StructureFormat>& structure_formats();

/// The format of a path by extension or name (".cif", ".xyz"/".extxyz", ".json",
/// "POSCAR"/"CONTCAR"/".vasp"/".poscar"); nullopt when it cannot tell.
std::optional<std::string> guess_format(std::string_view path);

/// Reads every structure in a file. `format` empty = guess from the name. Throws pb::NotFound
/// when the file cannot be opened and pb::InvalidArgument for an unknown format; bad content
/// goes to LoadResult::errors.
LoadResult read_structures(const std::string& path, const std::string& format = {},
                           const StructureOptions& options = {});

/// Same, from text already in memory (`source` names it in messages).
LoadResult read_structures_text(std::string text, const std::string& source,
                                const std::string& format, const StructureOptions& options = {});

/// The structure as text in a format; throws pb::InvalidArgument when the format cannot hold it
/// (partial occupancy in POSCAR or XYZ) or the format is unknown.
std::string write_structure(const Structure& s, const std::string& format,
                            const CifWriteOptions& cif_options = {});

}  // namespace pb::crystal
