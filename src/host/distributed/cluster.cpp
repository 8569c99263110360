#include "host/distributed/cluster.h"

#include "host/message/scratch.h"

namespace tycho::host {

Cluster::Route Cluster::route(ProcessRef to) const {
    // No transport to other nodes yet: every other node is unknown.
    return to.node_id == node_id_ ? Route::local : Route::unknown_node;
}

Cluster::Delivery Cluster::send(Scratch& scratch, ProcessRef to) const {
    switch (route(to)) {
    case Route::local: scratch.send_to(to.process_id); return Delivery::sent;
    case Route::unknown_node: scratch.take(); return Delivery::node_not_found;
    }
    return Delivery::node_not_found;
}

} // namespace tycho::host
