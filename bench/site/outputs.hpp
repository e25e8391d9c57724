// The site's results directory (results.json with the `site` section, report.html with the site
// page) and its summary on screen.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

namespace joulebench::site {

void write_site_outputs(const std::filesystem::path& dir, const nlohmann::json& results);
void print_site_summary(const nlohmann::json& results);

}  // namespace joulebench::site
