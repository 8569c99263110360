/*
 * A line-based chat server built from processes that only talk through messages:
 *  - the root process accepts connections and starts a session process for each;
 *  - a session owns its client's connection, nick and room, and is the only process that
 *    writes to the connection; a reader process linked to it reads the client's lines
 *    and sends each one to it (so the session never blocks on the client while a room
 *    has something for it);
 *  - a room is a process registered under "chat/room/NAME", started by the first session
 *    that joins it (process::get_or_spawn looks the name up and spawns atomically, so two
 *    sessions joining at once get the same room). It keeps its members and monitors them,
 *    so a member whose process ends for any reason is forgotten.
 *
 *   clang-19 --target=wasm32-wasi -O2 -I sdk/c/include examples/chat/chat.c -o chat.wasm
 *   tycho run chat.wasm 7007              # then, from several terminals: nc 127.0.0.1 7007
 *
 * The argument is the port on 127.0.0.1 (0, the default, lets the system choose); the
 * server prints "listening on 127.0.0.1:PORT", then serves until it is stopped.
 *
 * A client types lines; the server's own answers start with "* ":
 *   /nick NAME   sets the nick (by default anonN, N counting connections)
 *   /join ROOM   leaves the current room, if any, and enters ROOM ("* joined ROOM")
 *   /who         lists the room's members in the order they joined
 *   /quit        leaves ("* bye") and closes the connection
 *   any other line goes to every other member of the room as "NICK: line".
 */
#include <lunatic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NICK 24
#define MAX_ROOM 32
#define MAX_LINE 1000

/* Message tags. To a session: */
#define TAG_INPUT 1   /* a line the client typed (from the reader) */
#define TAG_CLOSED 2  /* the client closed the connection (from the reader) */
#define TAG_DELIVER 3 /* text to write to the client (from a room) */
#define TAG_JOINED 4  /* the room (u64 pid) has added the session */
/* To a room, each starting with the sending session's u64 pid: */
#define TAG_JOIN 10  /* + nick: add or update the member, answer TAG_JOINED */
#define TAG_NICK 11  /* + nick: the member's new nick */
#define TAG_LEAVE 12 /* the member leaves */
#define TAG_SAY 13   /* + text: for the other members */
#define TAG_WHO 14   /* the member asks who is there */

/* Prints an error's text and frees it. */
static void print_error(const char* what, uint64_t error_id) {
    const uint32_t size = lunatic_error_string_size(error_id);
    char* text = calloc(size + 1, 1);
    if (text) lunatic_error_to_string(error_id, text);
    fprintf(stderr, "%s: %s\n", what, text ? text : "(out of memory)");
    free(text);
    lunatic_error_drop(error_id);
}

/* Sends a data message: tag, a u64 (a process id), then text. */
static void send_to(uint64_t process, int64_t tag, uint64_t id, const char* text, size_t length) {
    lunatic_message_create_data(tag, 8 + length);
    lunatic_message_write_data(&id, 8);
    lunatic_message_write_data(text, (uint32_t)length);
    lunatic_message_send(process);
}

/* Reads a message sent with send_to: the u64 at *id, the text (malloc'ed, NUL-terminated)
   returned with its length at *length. NULL for another kind of message, or out of memory. */
static char* read_message(uint64_t* id, size_t* length) {
    const size_t size = (size_t)lunatic_message_data_size();
    if (size < 8) return NULL;
    char* text = malloc(size - 8 + 1);
    if (!text) return NULL;
    lunatic_message_read_data(id, 8);
    *length = lunatic_message_read_data(text, (uint32_t)(size - 8));
    text[*length] = 0;
    return text;
}

/* ---------------------------------------------------------------------------------------
 * A room.
 * ------------------------------------------------------------------------------------- */

typedef struct {
    uint64_t pid;
    char nick[MAX_NICK + 1];
} member;

typedef struct {
    member* members;
    size_t count, capacity;
} room_state;

static member* find_member(room_state* room, uint64_t pid) {
    for (size_t i = 0; i < room->count; ++i)
        if (room->members[i].pid == pid) return &room->members[i];
    return NULL;
}

static void remove_member(room_state* room, uint64_t pid) {
    member* gone = find_member(room, pid);
    if (!gone) return;
    /* Keep the order of joining, which /who shows. */
    memmove(gone, gone + 1, (size_t)(room->members + room->count - gone - 1) * sizeof *gone);
    --room->count;
}

/* Adds pid with nick (or renames it if it is a member already); false when out of memory. */
static int add_member(room_state* room, uint64_t pid, const char* nick) {
    member* existing = find_member(room, pid);
    if (!existing) {
        if (room->count == room->capacity) {
            const size_t capacity = room->capacity ? 2 * room->capacity : 8;
            member* larger = realloc(room->members, capacity * sizeof *larger);
            if (!larger) return 0;
            room->members = larger;
            room->capacity = capacity;
        }
        existing = &room->members[room->count++];
        existing->pid = pid;
    }
    snprintf(existing->nick, sizeof existing->nick, "%s", nick);
    return 1;
}

/* Sends "NICK: text" from member `from` to every other member. */
static void broadcast(room_state* room, const member* from, const char* text) {
    char line[MAX_NICK + MAX_LINE + 4];
    const int length = snprintf(line, sizeof line, "%s: %s\n", from->nick, text);
    for (size_t i = 0; i < room->count; ++i)
        if (room->members[i].pid != from->pid)
            send_to(room->members[i].pid, TAG_DELIVER, 0, line, (size_t)length);
}

/* Answers /who: "* here: NICK, NICK". */
static void list_members(room_state* room, uint64_t to) {
    char* text = malloc(room->count * (MAX_NICK + 2) + 16);
    if (!text) return;
    size_t length = (size_t)sprintf(text, "* here:");
    for (size_t i = 0; i < room->count; ++i)
        length += (size_t)sprintf(text + length, "%s %s", i ? "," : "", room->members[i].nick);
    text[length++] = '\n';
    send_to(to, TAG_DELIVER, 0, text, length);
    free(text);
}

__attribute__((export_name("room"))) void room(void) {
    room_state room = {0};
    const uint64_t self = lunatic_process_process_id();
    for (;;) {
        if (lunatic_receive_any(LUNATIC_NO_TIMEOUT) == LUNATIC_PROCESS_DIED) {
            remove_member(&room, lunatic_message_get_process_id());
            continue;
        }
        uint64_t pid = 0;
        size_t length = 0;
        char* text = read_message(&pid, &length);
        if (!text) continue;
        member* sender = find_member(&room, pid);
        switch (lunatic_message_get_tag()) {
        case TAG_JOIN:
            /* Monitor first: a process that is gone by now is never reported. */
            lunatic_process_monitor(pid);
            if (!lunatic_process_exists(pid) || !add_member(&room, pid, text)) break;
            send_to(pid, TAG_JOINED, self, "", 0);
            break;
        case TAG_NICK:
            if (sender) add_member(&room, pid, text);
            break;
        case TAG_LEAVE:
            lunatic_process_stop_monitoring(pid);
            remove_member(&room, pid);
            break;
        case TAG_SAY:
            if (sender) broadcast(&room, sender, text);
            break;
        case TAG_WHO:
            if (sender) list_members(&room, pid);
            break;
        }
        free(text);
    }
}

/* ---------------------------------------------------------------------------------------
 * A connection: its reader and its session.
 * ------------------------------------------------------------------------------------- */

/* Reads the client's lines and sends each to the session (a line longer than MAX_LINE
   arrives in pieces); at the end of the connection it sends TAG_CLOSED. */
__attribute__((export_name("read_lines"))) void read_lines(int64_t session) {
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
    const uint64_t stream = lunatic_message_take_tcp_stream(0);
    char line[MAX_LINE];
    size_t filled = 0;
    for (;;) {
        uint64_t count = 0;
        if (lunatic_networking_tcp_read(stream, line + filled, (uint32_t)(sizeof line - filled),
                                        &count) != 0) {
            lunatic_error_drop(count); /* reset by the client: as good as closed */
            count = 0;
        }
        if (count == 0) break;
        filled += count;
        size_t start = 0;
        for (char* end; (end = memchr(line + start, '\n', filled - start));
             start = end + 1 - line) {
            const size_t length = (size_t)(end - (line + start));
            const int crlf = length > 0 && end[-1] == '\r';
            send_to((uint64_t)session, TAG_INPUT, 0, line + start, length - crlf);
        }
        if (filled == sizeof line && start == 0) { /* no end in sight: send what there is */
            send_to((uint64_t)session, TAG_INPUT, 0, line, filled);
            start = filled;
        }
        memmove(line, line + start, filled - start);
        filled -= start;
    }
    if (filled > 0) send_to((uint64_t)session, TAG_INPUT, 0, line, filled); /* no newline */
    lunatic_networking_drop_tcp_stream(stream);
    send_to((uint64_t)session, TAG_CLOSED, 0, "", 0);
}

typedef struct {
    uint64_t self, stream, reader;
    char nick[MAX_NICK + 1];
    uint64_t room; /* the room's pid, valid when room_name is not empty */
    char room_name[MAX_ROOM + 1];
} session_state;

/* Writes all of text to the client; false when the connection failed. */
static int say(const session_state* session, const char* text, size_t size) {
    while (size > 0) {
        lunatic_ciovec part = {text, (uint32_t)size};
        uint64_t written = 0;
        if (lunatic_networking_tcp_write_vectored(session->stream, &part, 1, &written) != 0) {
            lunatic_error_drop(written);
            return 0;
        }
        text += written;
        size -= written;
    }
    return 1;
}

static int say_text(const session_state* session, const char* text) {
    return say(session, text, strlen(text));
}

/* Whether name is 1 to max characters among letters, digits, '-' and '_'. */
static int valid_name(const char* name, size_t max) {
    const size_t length = strlen(name);
    if (length == 0 || length > max) return 0;
    for (const char* c = name; *c; ++c)
        if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') || ('0' <= *c && *c <= '9') ||
              *c == '-' || *c == '_'))
            return 0;
    return 1;
}

/* Leaves the current room, if any, finds the room called name or starts it, and asks to
   join it; the room answers with TAG_JOINED. */
static void join_room(session_state* session, const char* name) {
    if (session->room_name[0]) {
        send_to(session->room, TAG_LEAVE, session->self, "", 0);
        session->room_name[0] = 0;
    }
    char registered[16 + MAX_ROOM];
    snprintf(registered, sizeof registered, "chat/room/%s", name);
    uint64_t node = 0, room = 0;
    const int32_t status = lunatic_process_get_or_spawn(registered, (uint32_t)strlen(registered), 0,
                                                        LUNATIC_SELF_CONFIG, LUNATIC_SELF_MODULE,
                                                        "room", 4, NULL, 0, &node, &room);
    if (status == 1) {
        print_error("cannot start a room", room);
        lunatic_registry_remove_str(registered); /* get_or_spawn registered the error id */
        say_text(session, "* cannot start that room\n");
        return;
    }
    session->room = room;
    snprintf(session->room_name, sizeof session->room_name, "%s", name);
    send_to(room, TAG_JOIN, session->self, session->nick, strlen(session->nick));
}

/* Handles one line the client typed; false when the session ends. */
static int handle_line(session_state* session, char* line) {
    if (line[0] != '/') {
        if (!line[0]) return 1;
        if (!session->room_name[0]) return say_text(session, "* join a room first: /join ROOM\n");
        send_to(session->room, TAG_SAY, session->self, line, strlen(line));
        return 1;
    }
    char* argument = strchr(line, ' ');
    if (argument) *argument++ = 0;
    char answer[MAX_NICK + 32];
    if (strcmp(line, "/nick") == 0 && argument && valid_name(argument, MAX_NICK)) {
        strcpy(session->nick, argument);
        if (session->room_name[0])
            send_to(session->room, TAG_NICK, session->self, argument, strlen(argument));
        snprintf(answer, sizeof answer, "* you are now %s\n", argument);
        return say_text(session, answer);
    }
    if (strcmp(line, "/join") == 0 && argument && valid_name(argument, MAX_ROOM)) {
        join_room(session, argument);
        return 1;
    }
    if (strcmp(line, "/who") == 0) {
        if (!session->room_name[0]) return say_text(session, "* join a room first: /join ROOM\n");
        send_to(session->room, TAG_WHO, session->self, "", 0);
        return 1;
    }
    if (strcmp(line, "/quit") == 0) {
        say_text(session, "* bye\n");
        return 0;
    }
    return say_text(session, "* commands: /nick NAME, /join ROOM, /who, /quit (names are "
                             "letters, digits, - and _)\n");
}

/* A client's session: receives the connection and the connection's number, starts the
   reader, then handles the client's lines and the rooms' messages in the order they come. */
__attribute__((export_name("session"))) void session(void) {
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
    session_state state = {.self = lunatic_process_process_id()};
    state.stream = lunatic_message_take_tcp_stream(0);
    uint64_t number = 0;
    lunatic_message_read_data(&number, 8);
    snprintf(state.nick, sizeof state.nick, "anon%llu", (unsigned long long)number);

    /* The reader is linked: if either fails, the other goes too. */
    uint8_t parameters[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(parameters, (int64_t)state.self);
    if (lunatic_spawn_simple(1, "read_lines", parameters, 1, &state.reader) != 0) {
        print_error("cannot start a reader", state.reader);
        return;
    }
    lunatic_message_create_data(0, 0);
    lunatic_message_push_tcp_stream(lunatic_networking_clone_tcp_stream(state.stream));
    lunatic_message_send(state.reader);

    char greeting[MAX_NICK + 64];
    snprintf(greeting, sizeof greeting, "* welcome, %s: /nick NAME, /join ROOM, /who, /quit\n",
             state.nick);
    int open = say_text(&state, greeting);
    while (open) {
        lunatic_receive_any(LUNATIC_NO_TIMEOUT);
        uint64_t id = 0;
        size_t length = 0;
        char* text = read_message(&id, &length);
        if (!text) continue;
        switch (lunatic_message_get_tag()) {
        case TAG_INPUT: open = handle_line(&state, text); break;
        case TAG_DELIVER: open = say(&state, text, length); break;
        case TAG_JOINED: /* id: the room; it may be one left since */
            if (state.room_name[0] && id == state.room) {
                char answer[MAX_ROOM + 16];
                snprintf(answer, sizeof answer, "* joined %s\n", state.room_name);
                open = say_text(&state, answer);
            }
            break;
        case TAG_CLOSED: open = 0; break;
        }
        free(text);
    }
    /* No need to tell the room: it monitors its members, so it hears of this end. The
       reader may still be waiting for the client (after /quit): end it, unlinked first so
       that its end is not taken for a failure. Its copy of the connection goes with it,
       and then the connection closes. */
    lunatic_process_unlink(state.reader);
    lunatic_process_kill(state.reader);
}

int main(int argc, char** argv) {
    const uint32_t port = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;
    const uint8_t loopback[4] = {127, 0, 0, 1};
    uint64_t listener = 0;
    if (lunatic_networking_tcp_bind(4, loopback, port, 0, 0, &listener) != 0) {
        print_error("cannot listen", listener);
        return 1;
    }
    /* Addresses come back as DNS iterators; a listener's holds one address. */
    uint64_t address = 0;
    if (lunatic_networking_tcp_local_addr(listener, &address) != 0) {
        print_error("no local address", address);
        return 1;
    }
    uint32_t type = 0, flow_info = 0, scope_id = 0;
    uint8_t ip[16];
    uint16_t bound_port = 0;
    lunatic_networking_resolve_next(address, &type, ip, &bound_port, &flow_info, &scope_id);
    lunatic_networking_drop_dns_iterator(address);
    printf("listening on %u.%u.%u.%u:%u\n", ip[0], ip[1], ip[2], ip[3], bound_port);
    fflush(stdout);

    for (uint64_t connections = 1;; ++connections) {
        uint64_t stream = 0, peer = 0;
        if (lunatic_networking_tcp_accept(listener, &stream, &peer) != 0) {
            print_error("accept failed", stream);
            continue;
        }
        lunatic_networking_drop_dns_iterator(peer);
        uint64_t session_pid = 0;
        if (lunatic_spawn_simple(0, "session", 0, 0, &session_pid) != 0) {
            print_error("cannot spawn a session", session_pid);
            lunatic_networking_drop_tcp_stream(stream);
            continue;
        }
        lunatic_message_create_data(0, 8);
        lunatic_message_write_data(&connections, 8);
        lunatic_message_push_tcp_stream(stream);
        lunatic_message_send(session_pid);
    }
}
