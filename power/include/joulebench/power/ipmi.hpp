// What an IPMI BMC says about power, decoded from the bytes it sends: DCMI's Get Power Reading and
// a threshold sensor's reading in watts. The decoders take a response as the BMC sends it
// (completion code first), so recorded replies test them byte for byte.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace joulebench::power {

/// DCMI 1.5 Get Power Reading (NetFn 0x2C, command 0x02), mode 1 "system power statistics".
struct DcmiPowerReading {
  double current_w = 0, minimum_w = 0, maximum_w = 0, average_w = 0;
  std::uint32_t bmc_time = 0;  ///< the BMC's clock when it took the reading, seconds since 1970
  double period_s = 0;         ///< the statistics reporting period min/max/average cover
  bool active = false;         ///< power measurement active (state byte bit 6)
};
/// Decodes the response: completion code, group extension 0xDC, current, minimum, maximum and
/// average watts (16 bits each, least significant byte first), the timestamp (32 bits), the
/// period in ms (32 bits) and the state byte. Throws std::runtime_error naming what is wrong: a
/// completion code other than 0 (with its meaning), a wrong group extension, a short reply.
DcmiPowerReading decode_dcmi_power_reading(std::span<const std::uint8_t> response);

/// What an IPMI completion code means, for messages ("0xc1 invalid command").
std::string ipmi_completion_code(std::uint8_t code);

}  // namespace joulebench::power
