#pragma once
// Who did it: the normalised identity that incidents group findings by. Telemetry names one
// person several ways (Sysmon "CORP\jdoe", a proxy "jdoe", Entra ID "jdoe@corp.example.com") and
// one machine several ways ("WS-FIN-0193", "ws-fin-0193.corp.example.com"); the keys here fold
// each into one value. The display form keeps what a person recognises.
#include <string>
#include <string_view>

namespace aihunt::detection {

// The account name, lower case, without a domain: "CORP\JDoe", "jdoe", "JDoe@corp.example.com"
// -> "jdoe". Empty for an empty name and for the placeholders telemetry writes for "nobody"
// ("-", "N/A", "none", "null", "unknown"). A name with nothing where the user should be
// ("CORP\alice\", "CORP\") is keyed whole, lower case, never as "no user".
std::string userKey(std::string_view username);

// The host's first label, lower case: "WS-FIN-0193.corp.example.com" -> "ws-fin-0193". An IP
// literal is kept whole. Empty for an empty name and the same placeholders.
std::string hostKey(std::string_view host);

// The executable's name as the process catalog keys it ("C:\...\curl.exe" -> "curl").
std::string processKey(std::string_view process_name);

// Which of two spellings of one user to show: the qualified one ("CORP\jdoe" over "jdoe"; a
// domain form over a UPN), then the first in byte order, so that the choice does not depend on
// the order findings arrived in.
bool preferUserDisplay(std::string_view candidate, std::string_view current);

}  // namespace aihunt::detection
