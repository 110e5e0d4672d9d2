#pragma once
// The names of custom rules, by id: offense notes tell aihunt's offenses by the rules that
// contributed to them (an offense's `rules`, a list of {id, type}), as well as by description,
// since QRadar keeps one open offense per offense source and an offense another rule opened
// first keeps that rule's name when aihunt's events join it.
//
// GET /analytics/rules takes fields, filter and Range, and a rule holds `id` (Long) and `name`
// (String) (IBM's API reference, 17.0, mirrored at
// https://juniper.net/documentation/us/en/software/jsa7.5.0/jsa-rest-api-v170/topics/ref/17.0--analytics-rules-GET.html);
// an invalid parameter is 422 (code 1010). The reference marks no field of it Filterable; public
// clients filter on them: Cortex XSOAR's QRadar integration reads the names of an offense's rules
// with fields id,name and `id in (...)` (Packs/QRadar/Integrations/QRadar_v3, get_rules_names),
// Ansible's ibm.qradar filters on name. IBM's common filter syntax page documents both `in` and
// `or`; the ids are joined with `or` here, which qradar-emu's filter parser also reads.
// Which capability may read rules is not stated in the reference (**unconfirmed**). IBM's Use
// Case Manager permissions page has "View Custom Rules" under three parents: under Offenses it
// gives read-only access to offense rules, under Log Activity to common, event and anomaly rules
// (https://www.ibm.com/docs/en/qsip/7.5?topic=manager-assigning-user-permissions-qradar-use-case);
// aihunt's rule is an event rule, so the docs ask for both. A role that may see only some rules
// may get a shorter list rather than a 403: a rule it cannot see is then absent.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

// The names of the rules among `ids` that the console lists (server data: sanitise before
// display); an id it does not list (a deleted rule, or one the token may not see) is absent.
// Asked kRuleIdsPerRequest ids at a time, so the URL stays short. A 401 or 403 is kAuth, a
// 404 kNotFound, a 422 (the filter refused) kInvalidArgument, a 5xx or 429 kUnavailable,
// another refusal kRemote; an answer that is not a JSON array kParse.
[[nodiscard]] core::Result<std::map<std::int64_t, std::string>> readRuleNames(
    ApiClient& api, const std::vector<std::int64_t>& ids);

inline constexpr std::size_t kRuleIdsPerRequest = 50;

struct RuleSummary {
  std::int64_t id = 0;
  std::string name;  // server data: sanitise before display
  bool enabled = false;
};

// Every rule the console lists (fields id, name, enabled), in Range pages, at most `limit`:
// `aihunt check` looks for aihunt's among them. A console ships a thousand or more rules.
[[nodiscard]] core::Result<std::vector<RuleSummary>> listRules(ApiClient& api,
                                                               std::size_t limit = 50'000,
                                                               std::size_t page_size = 1'000);

}  // namespace aihunt::qradar
