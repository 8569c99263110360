// Where processes live (lunatic-abi.md §25): this node and, in a distributed setup, the
// others. Tycho runs alone today: node id 0, no other nodes, and the distributed functions
// that need another node trap as Lunatic's do without a distributed setup. A process
// reference names a node and a process, and route() is the one place that decides whether a
// message goes to this node or another, so that a transport to other nodes plugs in there.
#pragma once

#include "runtime/environment.h"

#include <cstdint>
#include <vector>

namespace tycho::host {

class Scratch;

// A process anywhere: the node it runs on and its id there.
struct ProcessRef {
    uint64_t node_id = 0;
    runtime::ProcessId process_id = 0;
};

class Cluster {
  public:
    // A runtime on its own: node 0, not distributed.
    Cluster() = default;
    // Node `node_id` of a distributed setup (no other node is known yet).
    explicit Cluster(uint64_t node_id) : node_id_(node_id), distributed_(true) {}

    bool distributed() const { return distributed_; }
    uint64_t node_id() const { return node_id_; }
    // The other nodes this one knows of.
    std::vector<uint64_t> node_ids() const { return {}; }

    enum class Route { local, unknown_node };
    Route route(ProcessRef to) const;

    // The results of distributed::send (§25).
    enum class Delivery : int32_t {
        sent = 0,
        process_not_found = 1,
        node_not_found = 2,
        connection_error = 9027,
    };
    // Sends the data message in `scratch` (which must hold one) to `to` and empties the slot.
    // On this node the message takes the local path of message::send (a process that is
    // gone drops it, as there).
    Delivery send(Scratch& scratch, ProcessRef to) const;

  private:
    uint64_t node_id_ = 0;
    bool distributed_ = false;
};

} // namespace tycho::host
