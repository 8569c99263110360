// A supervised key-value service: the program docs/guide-c.md builds step by step.
//
// A key-value server (a tycho server: state plus handle_call/handle_cast) runs under a
// supervisor that registers it as "kv" each time it starts. Clients find it by that name
// and talk to it by request and reply, with a timeout. One request crashes the server on
// purpose: the runtime reports the fault, the supervisor starts a fresh server under the
// same name, and the clients carry on (the crashed server's data is gone; a real service
// would reload it in its constructor).
//
//   sdk/bin/tycho-c++ examples/kv_service/kv_service.cpp -o kv_service.wasm
//   tycho run kv_service.wasm
#include <tycho/supervisor.hpp>

#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

namespace {

// Requests and replies are plain structs, so they travel as their bytes.
struct Request {
    enum Kind { get, put, crash } kind;
    std::array<char, 32> key{};
    int value = 0;
};
struct Reply {
    bool found = false;
    int value = 0;
};

Request make(Request::Kind kind, const char* key, int value = 0) {
    Request request{kind, {}, value};
    std::strncpy(request.key.data(), key, request.key.size() - 1);
    return request;
}

class KeyValue {
  public:
    using Arg = int;
    using Call = Request;
    using Reply = ::Reply;
    using Cast = Request;

    explicit KeyValue(int) { std::printf("kv: started, empty\n"); }

    Reply handle_call(const Request& request) {
        std::string key(request.key.data());
        switch (request.kind) {
        case Request::put: values_[key] = request.value; return {true, request.value};
        case Request::get: {
            auto found = values_.find(key);
            return found == values_.end() ? Reply{} : Reply{true, found->second};
        }
        case Request::crash: tycho_panic("kv: crashing on request");
        }
        return {};
    }
    void handle_cast(const Request& request) { handle_call(request); }

  private:
    std::map<std::string, int> values_;
};

// Finds the server by name, waiting while a restart is under way, and calls it once: a
// request that failed is not sent again, since it may have had its effect.
tycho::Result<Reply> ask(const Request& request) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (auto kv = tycho::find_server<KeyValue>("kv")) return kv->call(request, 1000);
        tycho::sleep_ms(10); // no live server under the name right now
    }
    return tycho::Status::no_process;
}

void supervise(int) {
    tycho::Supervisor supervisor(tycho::Strategy::one_for_one,
                                 {.max_restarts = 3, .within_ms = 5000});
    supervisor.server<KeyValue>("kv", 0).registered("kv");
    supervisor.run();
}

void print(const char* what, const tycho::Result<Reply>& reply) {
    if (!reply)
        std::printf("%s: %s\n", what, tycho::to_string(reply.status()));
    else if (!reply->found)
        std::printf("%s: not found\n", what);
    else
        std::printf("%s: %d\n", what, reply->value);
}

} // namespace

int main() {
    auto supervisor = tycho::spawn<supervise>(tycho::SpawnOptions{.link = true}, 0).value();
    (void)supervisor;

    print("put apples 3", ask(make(Request::put, "apples", 3)));
    print("put pears 5", ask(make(Request::put, "pears", 5)));
    print("get apples", ask(make(Request::get, "apples")));
    print("get plums", ask(make(Request::get, "plums")));

    // The server fails while handling this call; the caller learns it did not answer.
    print("crash", ask(make(Request::crash, "")));

    print("get apples", ask(make(Request::get, "apples"))); // a fresh server: empty again
    print("put apples 4", ask(make(Request::put, "apples", 4)));
    print("get apples", ask(make(Request::get, "apples")));
    std::printf("done\n");
    // Returning ends the root process and with it the program (and the supervisor).
    return 0;
}
