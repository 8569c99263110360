// A key-value server (tycho/server.hpp) found by name, with several clients.
//
// main starts the server and registers it as "kv" (start_or_find_server); each client
// process finds it by that name (find_server) and puts, gets and deletes its own key by
// request and reply (handle_call), each call with a timeout, and counts its visit with a
// cast (handle_cast: no reply, no waiting). The server handles one message at a time, so
// its map needs no lock.
//
// The clients run at the same time, so they do not print: each sends its report to main,
// which prints the reports in client order. Every client reads only its own key and the
// one main wrote before starting them, so the output is the same on every run.
//
//   sdk/bin/tycho-c++ examples/kv_server/kv_server.cpp -o kv_server.wasm
//   tycho run kv_server.wasm [CLIENTS]      # 3 by default
#include <tycho/server.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

enum class Op : char { get = 'g', put = 'p', erase = 'e' };

struct Request {
    Op op;
    std::string key;
    long long value = 0; // for put
};
struct Answer {
    bool ok;         // get: found; put: stored; erase: was there
    long long value; // get: the value
};

// Request holds a std::string, so it is not sent as its bytes: its codec writes the op
// and the value, then the key's bytes.
template <> struct tycho::Codec<Request> {
    static constexpr size_t fixed = 1 + sizeof(long long);
    static void encode(const Request& request, Bytes& out) {
        Bytes::size_type at = out.size();
        out.resize(at + fixed);
        out[at] = static_cast<std::byte>(request.op);
        std::memcpy(&out[at + 1], &request.value, sizeof request.value);
        Codec<std::string>::encode(request.key, out);
    }
    static bool decode(std::span<const std::byte> in, Request& request) {
        if (in.size() < fixed) return false;
        request.op = static_cast<Op>(in[0]);
        std::memcpy(&request.value, &in[1], sizeof request.value);
        return Codec<std::string>::decode(in.subspan(fixed), request.key);
    }
};

struct KeyValue {
    using Arg = int; // start_or_find_server needs an argument; this server starts empty
    using Call = Request;
    using Reply = Answer;
    using Cast = std::string; // a key whose counter to increase
    std::map<std::string, long long> map;
    explicit KeyValue(int) {}
    Answer handle_call(const Request& request) {
        auto found = map.find(request.key);
        switch (request.op) {
        case Op::get: return found != map.end() ? Answer{true, found->second} : Answer{false, 0};
        case Op::put: map[request.key] = request.value; return {true, request.value};
        case Op::erase: return {map.erase(request.key) == 1, 0};
        }
        return {false, 0};
    }
    void handle_cast(const std::string& key) { ++map[key]; }
};

constexpr int64_t timeout_ms = 1000;

// One line of a client's report: what it asked, and what came back.
std::string ask(tycho::ServerRef<KeyValue> kv, const Request& request) {
    const char* name = request.op == Op::get ? "get" : request.op == Op::put ? "put" : "delete";
    std::string line = std::string("  ") + name + " " + request.key + ": ";
    auto reply = kv.call(request, timeout_ms);
    if (!reply) return line + tycho::to_string(reply.status()) + "\n";
    if (!reply->ok) return line + "not found\n";
    return line + (request.op == Op::erase ? "deleted" : std::to_string(reply->value)) + "\n";
}

struct ClientArgs {
    int number;
    tycho::Pid main;
};

void client(ClientArgs args) {
    auto kv = tycho::find_server<KeyValue>("kv").value();
    std::string key = "client" + std::to_string(args.number);
    std::string report = "client " + std::to_string(args.number) + ":\n";
    report += ask(kv, {Op::get, "answer"});
    report += ask(kv, {Op::put, key, args.number * 100LL});
    report += ask(kv, {Op::get, key});
    report += ask(kv, {Op::erase, key});
    report += ask(kv, {Op::get, key});
    kv.cast("visits");
    // The report's tag is the client's number, so main can take the reports in order.
    tycho::Process(args.main).send(report, args.number);
}

int main(int argc, char** argv) {
    int clients = argc > 1 ? std::atoi(argv[1]) : 3;
    if (clients < 1) {
        std::fprintf(stderr, "usage: %s [CLIENTS]  (CLIENTS >= 1)\n", argv[0]);
        return 2;
    }
    auto kv = tycho::start_or_find_server<KeyValue>("kv", 0).value();
    kv.call({Op::put, "answer", 42}, timeout_ms).value();
    for (int i = 1; i <= clients; ++i)
        tycho::spawn<client>(ClientArgs{i, tycho_self()}).value();
    for (int i = 1; i <= clients; ++i)
        std::printf("%s", tycho::Mailbox<std::string>(i).receive(10000).value().c_str());

    // A cast is handled before any later call from the same client, and each client's
    // report came after its calls, so every visit is counted by now.
    std::printf("main:\n%s", ask(kv, {Op::get, "visits"}).c_str());
    // stop() returns once the server has answered, a moment before its process ends; the
    // monitor tells when it has.
    kv.process().monitor();
    kv.stop(timeout_ms);
    while (auto received = tycho::receive_any(timeout_ms))
        if (received->process_died() && received->process() == kv.process()) break;
    // The name now finds nothing, and a call fails with no_process instead of timing out.
    std::printf("  find kv after stop: %s\n",
                tycho::to_string(tycho::find_server<KeyValue>("kv").status()));
    std::printf("%s", ask(kv, {Op::get, "answer"}).c_str());
    return 0;
}
