#pragma once
// British National Grid (OSGB36, EPSG:27700) coordinates as the register gives them:
// Easting and Northing in metres from the grid's false origin south-west of the Scilly
// Isles. The model's plane is kilometres, so conversion is a division by 1000 (the grid is
// a transverse Mercator projection whose scale error is under 0.04% over England, so
// straight-line distances in grid km are distances on the ground to that accuracy).
#include <cmath>
#include <optional>

namespace schoolsim::school_register {

/// The grid's extent: every point of Great Britain lies within it.
inline constexpr double kBngMaxEasting = 700000.0;
inline constexpr double kBngMaxNorthing = 1300000.0;

struct GridKm {
  double x = 0, y = 0;  ///< km east and north of the grid's false origin
};

/// Grid metres to model km; std::nullopt outside the grid (or not finite).
inline std::optional<GridKm> bng_to_km(double easting_m, double northing_m) {
  if (!std::isfinite(easting_m) || !std::isfinite(northing_m)) return std::nullopt;
  if (easting_m < 0 || easting_m > kBngMaxEasting || northing_m < 0 || northing_m > kBngMaxNorthing)
    return std::nullopt;
  return GridKm{easting_m / 1000.0, northing_m / 1000.0};
}

}  // namespace schoolsim::school_register
