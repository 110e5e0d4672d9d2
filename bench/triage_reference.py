#!/usr/bin/env python3
"""A fair Python triage for bench/triage_bench (--mix results): what a competent analyst would
write with the standard library and PyYAML to do the same job as `aihunt triage --format jsonl`.

Same rules, read from the same content/*.yaml: process categories by executable base name
(version suffixes folded), user-agent rules, provider hosts on dot boundaries (subdomain-only
and one-label wildcards), hosts, key variables, SDK names, installs and key-shaped tokens on
command lines, the same scores and severities, a SHA-256 finding id over every field, secrets
redacted in URLs and evidence. Reads JSON Lines rows with the seed query's column names and
writes one JSON finding per line to stdout. Not a product: no exceptions, no reference sets.

    python3 bench/triage_reference.py ROWS.jsonl > findings.jsonl
"""
import datetime
import fnmatch
import hashlib
import json
import os
import re
import sys

import yaml

CONTENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "content")
HUNT = "triage"
# The detection's logical fields in order (detection/event.h), with the seed's column names.
FIELDS = [
    "EventTime", "sourceip", "username", "Hostname", "destinationip", "destinationport",
    "DestinationURL", "DestinationHost", "QueryName", "InitiatingApplication", "Image",
    "UserAgent", "CommandLine", "ScriptBlockText", "TargetFilename", "BytesSent",
    "EventCategory", "LogSource", "ProcessCategory", "LogSourceType",
]
# The names QRadar looks up (and the query's CASE label) are not part of a finding's id.
ID_FIELDS = [f for f in FIELDS
             if f not in ("EventCategory", "LogSource", "ProcessCategory", "LogSourceType")]
KEY_PREFIXES = ["sk-proj-", "sk-ant-", "sk-or-", "pplx-", "xai-", "gsk_", "AIza", "hf_", "r8_",
                "sk-"]
KEY_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:%s)[A-Za-z0-9_-]{20,}" %
                       "|".join(re.escape(p) for p in KEY_PREFIXES))
LABELLED = re.compile(r"(?i)(authorization:\s*(?:bearer|basic|token)?\s*|bearer |x-api-key:\s*|"
                      r"api-key:\s*|api_key=|apikey=|token=)([^\s\"',&;}]{6,})")
CATEGORY_WEIGHTS = {"ScriptRuntime": "script_runtime", "ScriptHost": "script_host",
                    "CLI_Transfer": "cli_transfer", "LOLBin": "lolbin", "AI_Client": "ai_client",
                    "Other": "other"}
SIGNAL_ORDER = ["non_browser_ai_api", "large_upload", "key_or_prompt_on_cmdline", "ai_sdk_install",
                "first_seen", "ai_api_contact"]
HOST_TOKEN = re.compile(r"[A-Za-z0-9_.-]+")
VERSION = re.compile(r"^(.*?[^0-9.])[-_]?[0-9][0-9.]*$")


def load(name):
    with open(os.path.join(CONTENT, name), encoding="utf-8") as f:
        return yaml.safe_load(f)


class Rules:
    def __init__(self):
        self.processes = {}
        for category, names in load("processes.yaml")["categories"].items():
            for entry in names:
                name, vendor = (entry["name"], entry["vendor"]) if isinstance(entry, dict) \
                    else (entry, "")
                self.processes[normalise(name)] = (category, vendor)
        self.agents = load("user_agents.yaml")["rules"]
        for rule in self.agents:
            rule["pattern"] = rule["pattern"].lower()
        self.exact, self.subdomain_only, self.globs = {}, {}, []
        for provider in load("providers.yaml")["providers"]:
            for host in provider["hosts"]:
                host = host.lower()
                if host.startswith("*.") and "*" not in host[1:]:
                    self.subdomain_only[host[2:]] = provider
                elif "*" in host:
                    self.globs.append((host.split("."), provider))
                else:
                    self.exact[host] = provider
        indicators = load("indicators.yaml")
        words = lambda items: re.compile(  # noqa: E731
            r"(?i)(?<![A-Za-z0-9_])(?:%s)(?![A-Za-z0-9_])" % "|".join(map(re.escape, items)))
        self.key_variables = words(indicators["key_variables"])
        self.sdk_word = words(indicators["sdk_packages"])
        self.sdk_installable = re.compile(
            r"(?i)(?<![A-Za-z0-9_@/.-])(?:%s)(?=$|[=@\[<>~]|[^A-Za-z0-9_@/.-])" %
            "|".join(map(re.escape, indicators["sdk_packages"])))
        self.installers = words(indicators["installers"])
        self.install_verb = words(["install", "add", "i"])
        self.sdk_paths = [p.replace("\\", "/") for p in indicators["sdk_paths"]]
        self.assignment = re.compile(
            r"(?i)(?<![A-Za-z0-9_])(%s)([\"'\]]*\s*[=:,]\s*[\"']*)(\[REDACTED\]|[^\s\"';,)\]}]+)" %
            "|".join(map(re.escape, indicators["key_variables"])))
        detection = load("detection.yaml")
        self.scoring = detection["scoring"]
        self.large_upload = detection["large_upload_bytes"]

    def provider_for(self, host):
        host = host.rstrip(".").lower()
        if not host or len(host) > 253:
            return None
        labels = host.split(".")
        for i in range(len(labels)):
            suffix = ".".join(labels[i:])
            if suffix in self.exact:
                return self.exact[suffix]
            if i > 0 and suffix in self.subdomain_only:
                return self.subdomain_only[suffix]
        reversed_labels = labels[::-1]
        for pattern, provider in self.globs:
            want = pattern[::-1]
            if len(reversed_labels) >= len(want) and all(
                    fnmatch.fnmatchcase(have, w) for have, w in zip(reversed_labels, want)):
                return provider
        return None

    def agent(self, user_agent):
        user_agent = (user_agent or "").strip()
        if not user_agent or user_agent == "-":
            return None, ""
        lowered = user_agent.lower()
        for rule in self.agents:
            at = lowered.find(rule["pattern"])
            if at == 0 or (at > 0 and rule["match"] == "contains"):
                return rule["category"], rule.get("label") or rule["pattern"]
        if lowered.startswith("mozilla/") or lowered.startswith("opera/"):
            return "Browser", ""
        return "Other", ""


def normalise(application):
    text = application.strip()
    if text[:1] in ("\"", "'"):
        end = text.find(text[0], 1)
        text = text[1:end if end > 0 else None]
    else:
        match = re.search(r"(?i)\.exe(?=$| |\")", text)
        text = text[:match.end()] if match else text.split(" ")[0]
    name = re.split(r"[/\\]", text)[-1].strip().lower()
    return name[:-4] if name.endswith(".exe") else name


def host_of_url(url):
    url = url.strip(" \"'<>\t")
    scheme = url.find("://")
    if scheme > 0 and re.fullmatch(r"[A-Za-z0-9+.-]+", url[:scheme]):
        url = url[scheme + 3:]
    authority = re.split(r"[/?#\\ ]", url, maxsplit=1)[0].rsplit("@", 1)[-1]
    if authority.count(":") == 1:
        authority = authority.split(":")[0]
    return authority.rstrip(".") or None


def redact(text):
    text = KEY_TOKEN.sub("[REDACTED]", text)
    return LABELLED.sub(lambda m: m.group(1) + "[REDACTED]", text)


def redact_url(url):
    if not url:
        return ""
    url = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", r"\1", url)
    url = redact(url)
    return re.sub(r"(?i)([?&](?:key|access_token)=)[^&]+", r"\1[REDACTED]", url)


def main():
    rules = Rules()
    weights = rules.scoring
    out = sys.stdout
    with open(sys.argv[1], encoding="utf-8") as rows:
        for line in rows:
            if not line.strip():
                continue
            row = json.loads(line)
            get = lambda name: "" if row.get(name) is None else str(row[name])  # noqa: E731
            seen = get("InitiatingApplication") or get("Image")
            name = normalise(seen) if seen else ""
            category, vendor, process_name, label = "Unknown", "", name, ""
            if name:
                entry = rules.processes.get(name)
                if entry is None:
                    folded = VERSION.match(name)
                    entry = rules.processes.get(folded.group(1)) if folded else None
                    if entry is not None:
                        process_name = folded.group(1)
                category, vendor = entry if entry else ("Other", "")
            if category in ("Unknown", "Other"):
                agent_category, agent_label = rules.agent(get("UserAgent"))
                if agent_category and (category == "Unknown" or agent_category != "Other"):
                    category, label = agent_category, agent_label
            if category == "Browser":
                continue

            provider, domain = None, ""
            for column in ("DestinationURL", "DestinationHost", "QueryName"):
                value = get(column)
                host = host_of_url(value) if value else None
                provider = rules.provider_for(host) if host else None
                if provider:
                    domain = host
                    break
            signals, evidence = [], ""
            network_provider = provider
            for column in ("CommandLine", "ScriptBlockText"):
                text = get(column)
                if not text:
                    continue
                named = None
                for token in HOST_TOKEN.findall(text):
                    token = token.lstrip(".-").rstrip(".")
                    if "." in token and rules.provider_for(token):
                        named = (rules.provider_for(token), token)
                        break
                if named and provider is None:
                    provider, domain = named
                key = (named or rules.key_variables.search(text) or KEY_TOKEN.search(text) or
                       (re.search(r"(?i)api_key|apikey|api-key", text) and
                        rules.sdk_word.search(text)))
                if key:
                    signals.append("key_or_prompt_on_cmdline")
                    evidence = evidence or text
                if (rules.installers.search(text) and rules.sdk_installable.search(text) and
                        rules.install_verb.search(text)):
                    signals.append("ai_sdk_install")
                    evidence = evidence or text
            target = get("TargetFilename").replace("\\", "/")
            if target and any(path in target for path in rules.sdk_paths):
                signals.append("ai_sdk_install")
            if provider:
                non_browser = (category in ("ScriptRuntime", "ScriptHost", "CLI_Transfer", "LOLBin") or
                               (category == "Other" and network_provider is not None and
                                network_provider["class"] == "api"))
                if non_browser or (category == "AI_Client" and vendor != provider["vendor"]):
                    signals.insert(0, "non_browser_ai_api")
                elif category == "Unknown" and provider["class"] == "api":
                    signals.append("ai_api_contact")
                if row.get("BytesSent") and int(row["BytesSent"]) >= rules.large_upload:
                    signals.append("large_upload")
            if not signals:
                continue
            signals = sorted(set(signals), key=SIGNAL_ORDER.index)

            risk = sum(weights[s] for s in signals)
            risk += weights.get(CATEGORY_WEIGHTS.get(category, ""), 0)
            if provider and provider["class"] == "portal":
                risk = risk * weights["portal_percent"] // 100
            risk = max(0, min(100, risk))
            severity = ("critical" if risk >= weights["critical_at"] else
                        "high" if risk >= weights["high_at"] else
                        "medium" if risk >= weights["medium_at"] else "low")
            digest = hashlib.sha256()
            for value in [HUNT] + [get(column) for column in ID_FIELDS]:
                data = value.encode("utf-8")
                digest.update(len(data).to_bytes(8, "little") + data)
            event_time = get("EventTime")
            try:
                event_time = datetime.datetime.strptime(event_time, "%Y-%m-%d %H:%M:%S").strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z")
            except ValueError:
                pass
            if evidence:
                evidence = rules.assignment.sub(lambda m: m.group(1) + m.group(2) + "[REDACTED]",
                                                redact(evidence))[:512]
            finding = {
                "finding_id": digest.hexdigest()[:32], "hunt": HUNT, "event_time": event_time,
                "source_ip": get("sourceip") or None, "username": get("username") or None,
                "host": get("Hostname") or None, "destination_ip": get("destinationip") or None,
                "destination_port": row.get("destinationport"),
                "url": redact_url(get("DestinationURL")) or None,
                "domain": domain.lower().rstrip(".") or None,
                "provider": provider["id"] if provider else None,
                "application": (seen[:260] if seen else label) or None,
                "process_name": (process_name or label) or None, "process_category": category,
                "bytes_sent": row.get("BytesSent"), "signals": signals, "risk_score": risk,
                "severity": severity, "suppressed": False, "exception": None,
                "mitre": ["T1588.007"], "log_source": get("LogSource") or None,
                "event_category": get("EventCategory") or None, "evidence": evidence or None,
            }
            out.write(json.dumps(finding, separators=(",", ":"), ensure_ascii=False))
            out.write("\n")


if __name__ == "__main__":
    main()
