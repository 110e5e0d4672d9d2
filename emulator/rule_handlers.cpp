#include "emulator/rule_handlers.h"

#include <string>

#include "emulator/list_query.h"

namespace aihunt::emulator {
namespace {

using nlohmann::json;

// IBM's rule object (GET /analytics/rules): id, name, type, enabled, owner, origin, ...
// The emulator's rules are user-made event rules; capacities and dates are not tracked.
json ruleJson(const RuleConfig& rule) {
  return {{"id", rule.id},
          {"name", rule.name},
          {"type", "EVENT"},
          {"enabled", rule.enabled},
          {"owner", "admin"},
          {"origin", "USER"},
          {"base_capacity", nullptr},
          {"base_host_id", nullptr},
          {"average_capacity", nullptr},
          {"capacity_timestamp", nullptr},
          {"identifier", "aihunt-emu-rule-" + std::to_string(rule.id)},
          {"linked_rule_identifier", nullptr},
          {"creation_date", nullptr},
          {"modification_date", nullptr}};
}

}  // namespace

void registerRuleRoutes(Router& router, const std::vector<RuleConfig>& rules) {
  // The capability is not named in IBM's reference: View Custom Rules (or Admin) here, after
  // IBM's Use Case Manager permissions page (emulator/capability.h; unconfirmed).
  router.add("GET", "/api/analytics/rules", Capability::kViewCustomRules,
             [&rules](const HttpRequest& request, const RouteParams&) {
               std::vector<json> objects;
               objects.reserve(rules.size());
               for (const RuleConfig& rule : rules) objects.push_back(ruleJson(rule));
               return listResponse(request, std::move(objects), ruleJson(RuleConfig{}));
             });
  router.add("GET", "/api/analytics/rules/{}", Capability::kViewCustomRules,
             [&rules](const HttpRequest& request, const RouteParams& params) {
               for (const RuleConfig& rule : rules) {
                 if (std::to_string(rule.id) == params[0]) {
                   return objectResponse(200, ruleJson(rule), request);
                 }
               }
               return errorResponse(notFound("The rule does not exist."));
             });
}

}  // namespace aihunt::emulator
