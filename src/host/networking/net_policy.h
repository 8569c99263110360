// Which socket addresses guests may bind, connect and send to: everything (the default, as
// on Lunatic), nothing (`tycho run --deny-net`), or a list (`--allow-net HOST:PORT,...`).
// The policy is the runtime's, the same for every process; a refused operation is an error
// the guest sees (status 1 and an error id), never a trap.
#pragma once

#include "host/networking/socket_address.h"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tycho::host {

class NetPolicy {
  public:
    // One entry of an allow list: an IP or any IP of its family ("*" matches both), and a
    // port or any port (0).
    struct Rule {
        std::optional<SocketAddress> ip; // nullopt: any address
        uint16_t port = 0;               // 0: any port
        std::string text;                // as given, for messages
    };

    static NetPolicy allow_all() { return NetPolicy(Mode::allow_all); }
    static NetPolicy deny_all() { return NetPolicy(Mode::deny_all); }
    // Parses "HOST:PORT,HOST:PORT,...". HOST is an IPv4 literal, an IPv6 literal in
    // brackets, "*" (any address), or a name, which is resolved now (every address it has
    // is allowed). PORT is a number or "*". The error names the entry that is wrong.
    static std::variant<NetPolicy, std::string> parse_allow_list(std::string_view list);
    // Adds the entries of `more`, another allow list, to this one (--allow-net given again).
    void allow_also(const NetPolicy& more);

    // Whether a socket may be bound to, connected to or send to `address`; else the
    // reason, for the guest's error text.
    std::optional<std::string> refusal(const SocketAddress& address) const;
    // Whether names may be looked up at all (not under deny_all: a lookup is traffic).
    std::optional<std::string> dns_refusal() const;

    bool allows_everything() const { return mode_ == Mode::allow_all; }
    const std::vector<Rule>& rules() const { return rules_; }

  private:
    enum class Mode { allow_all, deny_all, allow_list };
    explicit NetPolicy(Mode mode) : mode_(mode) {}

    Mode mode_;
    std::vector<Rule> rules_;
};

} // namespace tycho::host
