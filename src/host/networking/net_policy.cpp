#include "host/networking/net_policy.h"

#include "host/networking/resolver.h"

#include <charconv>

namespace tycho::host {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    return text;
}

bool same_ip(const SocketAddress& a, const SocketAddress& b) {
    SocketAddress a0 = a, b0 = b;
    a0.set_port(0);
    b0.set_port(0);
    if (a0.is_v6()) a0.v6.sin6_flowinfo = 0;
    if (b0.is_v6()) b0.v6.sin6_flowinfo = 0;
    if (a0.is_v6() && b0.is_v6()) a0.v6.sin6_scope_id = b0.v6.sin6_scope_id;
    return a0 == b0;
}

} // namespace

std::variant<NetPolicy, std::string> NetPolicy::parse_allow_list(std::string_view list) {
    NetPolicy policy(Mode::allow_list);
    while (!list.empty()) {
        const size_t comma = list.find(',');
        const std::string_view entry = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        if (entry.empty()) continue;
        const std::string quoted = "'" + std::string(entry) + "'";
        const size_t colon = entry.rfind(':');
        if (colon == std::string_view::npos)
            return quoted + " is not HOST:PORT (the port is required; '*' means any)";
        std::string_view host = entry.substr(0, colon);
        const std::string_view port_text = entry.substr(colon + 1);
        uint16_t port = 0;
        if (port_text != "*") {
            auto [end, error] =
                std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
            if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0)
                return quoted + ": the port must be a number from 1 to 65535, or '*'";
        }
        const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
        if (bracketed) host = host.substr(1, host.size() - 2);
        if (host.empty()) return quoted + ": the host is missing";
        if (host == "*") {
            policy.rules_.push_back(Rule{std::nullopt, port, std::string(entry)});
            continue;
        }
        if (auto ip = SocketAddress::parse_ip(std::string(host), 0)) {
            if (ip->is_v6() && !bracketed)
                return quoted + ": write an IPv6 address in brackets, as [::1]:8080";
            if (!ip->is_v6() && bracketed) return quoted + ": only IPv6 addresses go in brackets";
            policy.rules_.push_back(Rule{ip, port, std::string(entry)});
            continue;
        }
        if (bracketed) return quoted + ": '" + std::string(host) + "' is not an IPv6 address";
        auto addresses = lookup_host(std::string(host));
        if (auto* error = std::get_if<std::string>(&addresses))
            return quoted + ": cannot resolve '" + std::string(host) + "': " + *error;
        for (const SocketAddress& ip : std::get<std::vector<SocketAddress>>(addresses))
            policy.rules_.push_back(Rule{ip, port, std::string(entry)});
    }
    if (policy.rules_.empty()) return std::string("the list of allowed addresses is empty");
    return policy;
}

void NetPolicy::allow_also(const NetPolicy& more) {
    rules_.insert(rules_.end(), more.rules_.begin(), more.rules_.end());
}

std::optional<std::string> NetPolicy::refusal(const SocketAddress& address) const {
    switch (mode_) {
    case Mode::allow_all: return std::nullopt;
    case Mode::deny_all:
        return "permission denied: network access is turned off (--deny-net), so " +
               to_string(address) + " is not allowed";
    case Mode::allow_list: break;
    }
    for (const Rule& rule : rules_) {
        if (rule.port != 0 && rule.port != address.port()) continue;
        if (rule.ip && !same_ip(*rule.ip, address)) continue;
        return std::nullopt;
    }
    return "permission denied: " + to_string(address) + " is not in the allowed list (--allow-net)";
}

std::optional<std::string> NetPolicy::dns_refusal() const {
    if (mode_ != Mode::deny_all) return std::nullopt;
    return std::string("permission denied: network access is turned off (--deny-net)");
}

} // namespace tycho::host
