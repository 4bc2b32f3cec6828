#pragma once
/// Output parsers, one per file kind, and the parse of a whole job directory. Parsers never
/// throw anything but pb::ParseError (located where the text allows), whatever the input.
#include <filesystem>
#include <string>
#include <string_view>

#include "calc/result.hpp"

namespace pb::calc {

/// pw.x XML data file (`outdir/prefix.xml`, schema qes-1.0): energies, forces, stress,
/// eigenvalues, Fermi level, magnetisation, convergence.
CalcResult parse_qe_xml(std::string_view text, const std::string& source);
/// pw.x standard output: the same scalars, plus SCF failure and time-limit messages.
CalcResult parse_qe_stdout(std::string_view text, const std::string& source);
/// VASP vasprun.xml.
CalcResult parse_vasprun(std::string_view text, const std::string& source);
/// VASP OUTCAR.
CalcResult parse_outcar(std::string_view text, const std::string& source);
/// ABINIT main output file (.abo).
CalcResult parse_abinit_output(std::string_view text, const std::string& source);
/// ABINIT DOS file (`prtdos 1`, `<prefix>_DOS`): total DOS per spin channel in states/eV per
/// cell, energies in eV.
Dos parse_abinit_dos(std::string_view text, const std::string& source);

/// A parser by name ("qe-xml", "qe-stdout", "vasprun", "outcar", "abinit", "abinit-dos": a
/// result holding only the DOS), for `calc parse`
/// and the fuzz target; throws pb::InvalidArgument for an unknown name.
CalcResult parse_output(std::string_view kind, std::string_view text, const std::string& source);
/// Guesses the kind from a file name (*.xml with "vasprun" -> vasprun, other *.xml -> qe-xml,
/// names holding OUTCAR, *.abo, *_DOS, else pw.x stdout).
std::string guess_output_kind(const std::filesystem::path& path);

/// Everything a job directory written by `calc prepare` holds after its run: the first
/// step's energy, forces and stress; eigenvalues of the last step (nscf/bands); every step's
/// failure flags. Files that are missing leave their fields empty.
CalcResult parse_job_directory(std::string_view code, const std::filesystem::path& dir);

}  // namespace pb::calc
