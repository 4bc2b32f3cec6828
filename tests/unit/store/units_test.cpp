#include "util/units.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

using pb::units::convert;
using pb::units::parse_unit;

namespace {

double to(double v, const char* from, const char* target) {
  return convert(v, parse_unit(from), parse_unit(target));
}

}  // namespace

TEST(Units, ConductivitySpellingsFromPapers) {
  for (const char* u : {"S/cm", "S cm-1", "S cm\u22121", "S\u00B7cm\u207B\u00B9", "S cm^-1",
                        "Scm-1", "S.cm-1", "S*cm^-1"}) {
    EXPECT_DOUBLE_EQ(to(1e-3, u, "S/m"), 0.1) << u;
  }
  EXPECT_DOUBLE_EQ(to(2.0, "mS/cm", "S/m"), 0.2);
  EXPECT_DOUBLE_EQ(to(5.0, "S/m", "S/m"), 5.0);
  EXPECT_DOUBLE_EQ(to(1.0, "\u00B5S/cm", "S/m"), 1e-4);
}

TEST(Units, EnergiesPerParticleAndPerMole) {
  EXPECT_DOUBLE_EQ(to(250.0, "meV", "eV"), 0.25);
  // 96.485 kJ/mol is 1 eV per particle (Faraday constant / 1000).
  EXPECT_NEAR(to(96.48533212, "kJ/mol", "eV"), 1.0, 1e-9);
  EXPECT_NEAR(to(1.0, "eV", "kJ/mol"), 96.48533212, 1e-6);
  EXPECT_NEAR(to(1.0, "eV", "J"), 1.602176634e-19, 1e-30);
  EXPECT_NEAR(to(1.0, "kcal/mol", "kJ/mol"), 4.184, 1e-12);
}

TEST(Units, CelsiusIsAffineWhenBare) {
  EXPECT_DOUBLE_EQ(to(25.0, "\u00B0C", "K"), 298.15);
  EXPECT_DOUBLE_EQ(to(25.0, "C", "K"), 298.15);
  EXPECT_DOUBLE_EQ(to(25.0, "\u2103", "K"), 298.15);
  EXPECT_DOUBLE_EQ(to(300.0, "K", "\u00B0C"), 300.0 - 273.15);
  EXPECT_DOUBLE_EQ(to(0.0, "degC", "K"), 273.15);
  // A difference is not shifted, and inside a compound unit °C is a kelvin-sized step.
  EXPECT_DOUBLE_EQ(pb::units::convert_difference(5.0, parse_unit("\u00B0C"), parse_unit("K")), 5.0);
  EXPECT_DOUBLE_EQ(to(2.0, "J/\u00B0C", "J/K"), 2.0);
}

TEST(Units, BatteryAndMechanicalUnits) {
  EXPECT_DOUBLE_EQ(to(1.0, "mAh/g", "C/kg"), 3600.0);
  EXPECT_DOUBLE_EQ(to(1.0, "mAh g-1", "C/kg"), 3600.0);
  EXPECT_DOUBLE_EQ(to(3.7, "V", "V"), 3.7);
  EXPECT_DOUBLE_EQ(to(150.0, "mV", "V"), 0.15);
  EXPECT_DOUBLE_EQ(to(95.0, "%", "1"), 0.95);
  EXPECT_DOUBLE_EQ(to(2.0, "GPa", "Pa"), 2e9);
  EXPECT_DOUBLE_EQ(to(2.0, "MPa", "kPa"), 2000.0);
  EXPECT_DOUBLE_EQ(to(1.0, "kPa", "Pa"), 1000.0);
  EXPECT_DOUBLE_EQ(to(1.0, "bar", "kPa"), 100.0);
  EXPECT_DOUBLE_EQ(to(1.0, "atm", "kPa"), 101.325);
  EXPECT_DOUBLE_EQ(to(1.0, "Pa", "Pa"), 1.0);
  EXPECT_DOUBLE_EQ(to(5.0, "g/cm3", "kg/m3"), 5000.0);
  EXPECT_DOUBLE_EQ(to(5.0, "g cm\u207B\u00B3", "kg/m3"), 5000.0);
  EXPECT_DOUBLE_EQ(to(200.0, "Wh/kg", "J/kg"), 720000.0);
  EXPECT_DOUBLE_EQ(to(300.0, "W/kg", "W/kg"), 300.0);
  EXPECT_DOUBLE_EQ(to(1.0, "mA/cm2", "A/m2"), 10.0);
}

TEST(Units, LengthsTimesAndThermal) {
  EXPECT_NEAR(to(4.05, "\u00C5", "m"), 4.05e-10, 1e-22);
  EXPECT_NEAR(to(4.05, "\u212B", "nm"), 0.405, 1e-12);
  EXPECT_DOUBLE_EQ(to(1.0, "nm", "m"), 1e-9);
  EXPECT_DOUBLE_EQ(to(1.0, "W/mK", "W m-1 K-1"), 1.0);
  EXPECT_DOUBLE_EQ(to(1.0, "W/(m K)", "W m-1 K-1"), 1.0);
  EXPECT_DOUBLE_EQ(to(1.0, "W m\u207B\u00B9 K\u207B\u00B9", "W/mK"), 1.0);
  EXPECT_NEAR(to(10.0, "m2K/GW", "m2 K W-1"), 1e-8, 1e-20);
  EXPECT_DOUBLE_EQ(to(2.0, "h", "s"), 7200.0);
  EXPECT_DOUBLE_EQ(to(3.0, "min", "s"), 180.0);
  EXPECT_DOUBLE_EQ(to(3.0, "s", "s"), 3.0);
  EXPECT_DOUBLE_EQ(to(1.0, "1/K", "K-1"), 1.0);
}

TEST(Units, DimensionMismatchNamesBothUnits) {
  try {
    to(1.0, "eV", "S/m");
    FAIL() << "expected InvalidArgument";
  } catch (const pb::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("'eV'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'S/m'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(pb::units::convertible(parse_unit("mAh/g"), parse_unit("S/m")));
}

TEST(Units, UnknownUnitIsNamed) {
  for (const char* bad : {"furlong", "S/xyz", "", "cm^", "m$"}) {
    try {
      parse_unit(bad);
      FAIL() << bad;
    } catch (const pb::InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos)
          << e.what();
    }
  }
}

TEST(Units, DimensionText) {
  EXPECT_EQ(parse_unit("S/cm").dimension.to_string(), "m-3 kg-1 s3 A2");
  EXPECT_EQ(parse_unit("%").dimension.to_string(), "1");
}
