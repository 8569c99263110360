%% Erlang/OTP baseline for Tycho's process benchmarks: the same measurements, taken on
%% the BEAM, so the two runtimes can be compared side by side. bench/erlang/run.sh
%% compiles this module into a temporary directory and starts one VM per benchmark.
%% README.md beside this file says what each metric measures.
%%
%% Each benchmark prints one line per metric on stdout:
%%
%%     <metric> <median> <unit> runs=<n> min=<x> max=<y>
%%
%% and its progress on stderr. Repetitions: REPEAT (default 5), after one unmeasured
%% warm-up round. Sizes can be overridden with the environment variables listed in
%% params/0.
%%
%% The processes that collect many messages (the parents in spawn_exit, idle_process,
%% cold_spawn and max_idle, the receiver in fan_in) keep their message queue off the heap
%% (message_queue_data = off_heap), as is usual on the BEAM for such processes. With
%% the default, each garbage collection of the collector scans every message still
%% queued: spawn_exit then costs about 6 us per process instead of about 1.2, and
%% max_idle takes minutes instead of seconds.
-module(tycho_baseline).

-export([main/1]).

%% Benchmarks in the order they run, with the metrics each one prints.
benchmarks() ->
    [{spawn_exit, [spawn_exit_us]},
     {idle_process, [idle_process_bytes, idle_process_bytes_erlang]},
     {cold_spawn, [cold_spawn_us, cold_spawn_kb]},
     {max_idle, [max_idle_processes, max_idle_rss_bytes, max_idle_spawn_ms]},
     {ring_hop, [ring_hop_ns]},
     {ping_pong, [ping_pong_ns]},
     {fan_in, [fan_in_ns]},
     {fairness, [fairness_p50_us, fairness_p99_us]}].

%% {environment variable, default}
params() ->
    [{"REPEAT", 5},
     {"SPAWN_M", 100000},          % spawn_exit: processes per round
     {"IDLE_K", 100000},           % idle_process: idle processes per round
     {"COLD_SPAWN_K", 100000},     % cold_spawn: idle processes spawned in a fresh VM
     {"MAX_IDLE_TARGET", 1000000}, % max_idle: processes to reach
     {"RING_SIZE", 1000},          % ring_hop: processes in the ring
     {"RING_ROUNDS", 1000},        % ring_hop: times the token goes round
     {"PING_PONG_N", 1000000},     % ping_pong: round trips
     {"FAN_IN_SENDERS", 1000},     % fan_in: sender processes
     {"FAN_IN_TOTAL", 1000000},    % fan_in: messages in all
     {"FAIRNESS_PINGS", 1000},     % fairness: pings per round
     {"FAIRNESS_INTERVAL_MS", 1},  % fairness: pause before each ping
     {"FAIRNESS_MAX_MS", 5000},    % fairness: a round stops sending pings after this
     {"FAIRNESS_BUSY", 0}].        % fairness: spinning processes (0: 2 x schedulers)

param(Name) ->
    {Name, Default} = lists:keyfind(Name, 1, params()),
    case os:getenv(Name) of
        false -> Default;
        "" -> Default;
        Text ->
            case string:to_integer(Text) of
                {N, ""} when N >= 0 -> N;
                _ -> fail("~s must be a non-negative integer, not ~p", [Name, Text])
            end
    end.

%% ---------------------------------------------------------------------------------
%% Entry points (erl -run tycho_baseline main COMMAND ARGS...)

main(Args) ->
    log_to_stderr(),
    Status =
        try
            command(Args),
            0
        catch
            throw:{fail, Message} ->
                io:format(standard_error, "tycho_baseline: ~s~n", [Message]),
                2;
            Class:Reason:Stack ->
                io:format(standard_error, "tycho_baseline: ~p:~p~n  ~p~n", [Class, Reason, Stack]),
                1
        end,
    erlang:halt(Status).

%% `list`: every benchmark name, one a line.
command(["list"]) ->
    [io:format("~s~n", [Name]) || {Name, _} <- benchmarks()];
%% `resolve NAME...`: the benchmarks the names select (a name is a benchmark or one of
%% its metrics; commas separate names too), in run order, one a line.
command(["resolve" | Names]) ->
    Wanted = lists:usort([resolve(list_to_atom(N))
                          || Arg <- Names, N <- string:lexemes(Arg, ", ")]),
    [io:format("~s~n", [Name]) || {Name, _} <- benchmarks(), lists:member(Name, Wanted)];
%% `run NAME`: one benchmark.
command(["run", Name]) ->
    run(resolve(list_to_atom(Name)));
%% `sample idle_process`: one round of it in this VM, printed as an Erlang term (what
%% in_fresh_vm/1 reads).
command(["sample", "idle_process"]) ->
    io:format("~w.~n", [isolated(fun() -> idle_process(param("IDLE_K")) end)]);
command(["sample", "cold_spawn"]) ->
    io:format("~w.~n", [isolated(fun() -> cold_spawn(param("COLD_SPAWN_K")) end)]);
command(Args) ->
    fail("usage: main list | resolve NAME... | run NAME | sample idle_process|cold_spawn "
         "(got ~p)", [Args]).

resolve(Name) ->
    case [B || {B, Metrics} <- benchmarks(), B =:= Name orelse lists:member(Name, Metrics)] of
        [B] -> B;
        [] ->
            Known = lists:append([[B | Ms] || {B, Ms} <- benchmarks()]),
            fail("unknown benchmark ~s; known: ~s",
                 [Name, lists:join(" ", [atom_to_list(K) || K <- Known])])
    end.

fail(Format, Args) ->
    throw({fail, io_lib:format(Format, Args)}).

%% The default logger handler writes to stdout, which is kept for result lines.
log_to_stderr() ->
    _ = logger:remove_handler(default),
    ok = logger:add_handler(default, logger_std_h, #{config => #{type => standard_error}}).

progress(Format, Args) ->
    io:format(standard_error, Format ++ "~n", Args).

%% ---------------------------------------------------------------------------------
%% Running, repeating, reporting

run(spawn_exit) ->
    M = param("SPAWN_M"),
    progress("spawn_exit: ~b processes spawned, each sends one message and returns", [M]),
    repeat([{spawn_exit_us, "us"}], fun() -> [spawn_exit(M)] end);
run(idle_process) ->
    K = param("IDLE_K"),
    progress("idle_process: ~b processes blocked in receive, a fresh VM per round", [K]),
    repeat([{idle_process_bytes, "bytes"}, {idle_process_bytes_erlang, "bytes"}],
           fun() -> in_fresh_vm("idle_process") end);
run(cold_spawn) ->
    K = param("COLD_SPAWN_K"),
    progress("cold_spawn: ~b processes spawned to block in receive, a fresh VM per round", [K]),
    repeat([{cold_spawn_us, "us"}, {cold_spawn_kb, "KB"}],
           fun() -> in_fresh_vm("cold_spawn") end);
run(max_idle) ->
    Target = param("MAX_IDLE_TARGET"),
    progress("max_idle: up to ~b processes blocked in receive (process limit ~b)",
             [Target, erlang:system_info(process_limit)]),
    {Alive, Rss, Ms} = isolated(fun() -> max_idle(Target) end),
    report(max_idle_processes, "processes", [Alive]),
    report(max_idle_rss_bytes, "bytes", [Rss]),
    report(max_idle_spawn_ms, "ms", [Ms]);
run(ring_hop) ->
    Size = param("RING_SIZE"),
    Hops = Size * param("RING_ROUNDS"),
    progress("ring_hop: ring of ~b processes, ~b hops", [Size, Hops]),
    repeat([{ring_hop_ns, "ns"}], fun() -> [ring_hop(Size, Hops)] end);
run(ping_pong) ->
    N = param("PING_PONG_N"),
    progress("ping_pong: ~b round trips between two processes", [N]),
    repeat([{ping_pong_ns, "ns"}], fun() -> [ping_pong(N)] end);
run(fan_in) ->
    Senders = param("FAN_IN_SENDERS"),
    PerSender = param("FAN_IN_TOTAL") div max(Senders, 1),
    progress("fan_in: ~b senders x ~b messages to one receiver", [Senders, PerSender]),
    repeat([{fan_in_ns, "ns"}], fun() -> [fan_in(Senders, PerSender)] end);
run(fairness) ->
    Busy = case param("FAIRNESS_BUSY") of
               0 -> 2 * erlang:system_info(schedulers_online);
               B -> B
           end,
    Pings = max(param("FAIRNESS_PINGS"), 1),
    Interval = param("FAIRNESS_INTERVAL_MS"),
    MaxMs = param("FAIRNESS_MAX_MS"),
    progress("fairness: ~b pings every ~b ms (at most ~b ms a round) next to ~b spinning "
             "processes (~b schedulers)",
             [Pings, Interval, MaxMs, Busy, erlang:system_info(schedulers_online)]),
    repeat([{fairness_p50_us, "us"}, {fairness_p99_us, "us"}],
           fun() -> fairness(Busy, Pings, Interval, MaxMs) end).

%% One warm-up round, then REPEAT measured rounds; Round() returns one value per metric.
repeat(Metrics, Round) ->
    N = max(param("REPEAT"), 1),
    Warm = isolated(Round),
    progress("  warm-up: ~s", [format_values(Metrics, Warm)]),
    Rounds = [begin
                  Values = isolated(Round),
                  progress("  run ~b/~b: ~s", [I, N, format_values(Metrics, Values)]),
                  Values
              end || I <- lists:seq(1, N)],
    lists:foreach(fun({I, {Metric, Unit}}) ->
                          report(Metric, Unit, [lists:nth(I, Vs) || Vs <- Rounds])
                  end, lists:enumerate(Metrics)).

format_values(Metrics, Values) ->
    lists:join(", ", [[atom_to_list(M), " ", fmt(V), " ", U]
                      || {{M, U}, V} <- lists:zip(Metrics, Values)]).

report(Metric, Unit, Values) ->
    Sorted = lists:sort(Values),
    io:format("~s ~s ~s runs=~b min=~s max=~s~n",
              [Metric, fmt(median(Sorted)), Unit, length(Sorted),
               fmt(hd(Sorted)), fmt(lists:last(Sorted))]).

median(Sorted) ->
    Len = length(Sorted),
    case Len rem 2 of
        1 -> lists:nth(Len div 2 + 1, Sorted);
        0 -> (lists:nth(Len div 2, Sorted) + lists:nth(Len div 2 + 1, Sorted)) / 2
    end.

fmt(X) when is_integer(X) -> integer_to_list(X);
fmt(X) when is_float(X) -> float_to_list(X, [{decimals, 3}, compact]).

%% Runs Fun in a fresh process, so that each round starts from a clean mailbox and
%% heap, and waits until every process the round started has gone.
isolated(Fun) ->
    Before = erlang:system_info(process_count),
    erlang:garbage_collect(),
    {Pid, Ref} = spawn_monitor(fun() -> exit({done, Fun()}) end),
    receive
        {'DOWN', Ref, process, Pid, {done, Result}} ->
            wait_process_count(Before),
            Result;
        {'DOWN', Ref, process, Pid, Reason} ->
            error({round_failed, Reason})
    end.

%% Runs `sample Name` in a new VM started like this one, and returns what it printed.
%% Used where a round must not inherit the memory that the allocators of an earlier
%% round kept: a VM does not give all freed process memory back to the OS, so RSS
%% deltas measured after a first round are too low.
in_fresh_vm(Name) ->
    Erl = filename:join([code:root_dir(), "bin", "erl"]),
    Args = ["-noshell", "+P", integer_to_list(erlang:system_info(process_limit)),
            "-pa", filename:dirname(code:which(?MODULE)),
            "-run", atom_to_list(?MODULE), "main", "sample", Name],
    Port = open_port({spawn_executable, Erl}, [{args, Args}, exit_status, binary, stream]),
    read_term(Port, <<>>).

read_term(Port, Acc) ->
    receive
        {Port, {data, Data}} ->
            read_term(Port, <<Acc/binary, Data/binary>>);
        {Port, {exit_status, 0}} ->
            {ok, Tokens, _} = erl_scan:string(binary_to_list(Acc)),
            {ok, Term} = erl_parse:parse_term(Tokens),
            Term;
        {Port, {exit_status, Status}} ->
            error({child_vm_failed, Status, Acc})
    end.

wait_process_count(Count) ->
    case erlang:system_info(process_count) > Count of
        true -> timer:sleep(5), wait_process_count(Count);
        false -> ok
    end.

now_ns() -> erlang:monotonic_time(nanosecond).

%% ---------------------------------------------------------------------------------
%% spawn_exit_us: wall time per process to spawn M processes that each send one
%% message to the parent and return, until the parent holds all M messages.

spawn_exit(M) ->
    process_flag(message_queue_data, off_heap),
    Parent = self(),
    T0 = now_ns(),
    spawn_n(M, fun() -> Parent ! done end),
    receive_n(M, done),
    (now_ns() - T0) / M / 1000.

spawn_n(0, _Fun) -> ok;
spawn_n(N, Fun) -> spawn(Fun), spawn_n(N - 1, Fun).

receive_n(0, _Msg) -> ok;
receive_n(N, Msg) -> receive Msg -> receive_n(N - 1, Msg) end.

%% ---------------------------------------------------------------------------------
%% idle_process_bytes(_erlang): memory per process blocked in receive, as the growth
%% of the VM's resident set (VmRSS) and of erlang:memory(processes) across spawning
%% K of them. The parent keeps no list of them: they are found again through
%% erlang:processes() to be killed after the measurement. Each round runs in a fresh
%% VM (see in_fresh_vm/1).

idle_process(K) ->
    process_flag(message_queue_data, off_heap),
    Existing = sets:from_list(erlang:processes(), [{version, 2}]),
    erlang:garbage_collect(),
    Rss0 = rss_bytes(),
    Mem0 = erlang:memory(processes),
    spawn_idle(K),
    erlang:garbage_collect(),
    Mem1 = erlang:memory(processes),
    Rss1 = rss_bytes(),
    kill_new(Existing),
    [(Rss1 - Rss0) / K, (Mem1 - Mem0) / K].

%% Spawns N processes that tell the caller they are running and then wait in receive
%% for ever; returns when all N have told.
spawn_idle(N) ->
    Parent = self(),
    Idle = fun() -> Parent ! ready, receive stop -> ok end end,
    spawn_n(N, Idle),
    receive_n(N, ready).

kill_new(Existing) ->
    [exit(P, kill) || P <- erlang:processes(), not sets:is_element(P, Existing)],
    ok.

rss_bytes() ->
    {ok, Status} = file:read_file("/proc/" ++ os:getpid() ++ "/status"),
    {match, [Kb]} = re:run(Status, "VmRSS:\\s+(\\d+) kB", [{capture, all_but_first, list}]),
    list_to_integer(Kb) * 1024.

%% ---------------------------------------------------------------------------------
%% cold_spawn_us / cold_spawn_kb: wall time per process to spawn K processes that stay
%% alive blocked in receive, from the first spawn until all K have told the parent they
%% run, in a VM that has spawned nothing before (see in_fresh_vm/1); with the growth of
%% the VM's resident set across it, per process, in KB (1,024 bytes).

cold_spawn(K) ->
    process_flag(message_queue_data, off_heap),
    Existing = sets:from_list(erlang:processes(), [{version, 2}]),
    erlang:garbage_collect(),
    Rss0 = rss_bytes(),
    T0 = now_ns(),
    spawn_idle(K),
    Us = (now_ns() - T0) / K / 1000,
    Rss1 = rss_bytes(),
    kill_new(Existing),
    [Us, (Rss1 - Rss0) / K / 1024].

%% ---------------------------------------------------------------------------------
%% max_idle_processes: how many processes blocked in receive are alive once the
%% spawner has tried for Target (it stops early at the first failing spawn); with the
%% VM's resident set at that point and the time to get there.

max_idle(Target) ->
    process_flag(message_queue_data, off_heap),
    Existing = sets:from_list(erlang:processes(), [{version, 2}]),
    Parent = self(),
    Idle = fun() -> Parent ! ready, receive stop -> ok end end,
    T0 = now_ns(),
    Spawned = spawn_until(Target, Idle, 0),
    receive_n(Spawned, ready),
    Ms = (now_ns() - T0) / 1.0e6,
    erlang:garbage_collect(),
    Alive = erlang:system_info(process_count) - sets:size(Existing),
    Rss = rss_bytes(),
    progress("  ~b spawned, ~b alive, ~.1f ms, VmRSS ~.1f MiB",
             [Spawned, Alive, Ms, Rss / 1048576]),
    kill_new(Existing),
    {Alive, Rss, Ms}.

spawn_until(Target, _Fun, Target) -> Target;
spawn_until(Target, Fun, Done) ->
    try spawn(Fun) of
        _ -> spawn_until(Target, Fun, Done + 1)
    catch
        error:system_limit ->
            progress("  spawn failed with system_limit after ~b processes", [Done]),
            Done
    end.

%% ---------------------------------------------------------------------------------
%% ring_hop_ns: a token (an integer counting down the hops left) goes round a ring of
%% Size processes, each forwarding it to the next, until Hops messages have been
%% passed; wall time per hop. The ring is built before timing starts.

ring_hop(Size, Hops) ->
    Parent = self(),
    Nodes = [spawn(fun() -> receive {next, Next} -> ring_node(Next, Parent) end end)
             || _ <- lists:seq(1, Size)],
    [First | _] = Nodes,
    lists:foreach(fun({P, Next}) -> P ! {next, Next} end,
                  lists:zip(Nodes, tl(Nodes) ++ [First])),
    T0 = now_ns(),
    First ! Hops,
    receive ring_done -> ok end,
    Ns = (now_ns() - T0) / Hops,
    [exit(P, kill) || P <- Nodes],
    Ns.

ring_node(Next, Parent) ->
    receive
        0 -> Parent ! ring_done, ring_node(Next, Parent);
        N -> Next ! N - 1, ring_node(Next, Parent)
    end.

%% ---------------------------------------------------------------------------------
%% ping_pong_ns: one process sends an integer to another, which sends it straight
%% back; wall time per round trip over N round trips.

ping_pong(N) ->
    Parent = self(),
    Ponger = spawn(fun() -> receive {peer, Pinger} -> pong(Pinger) end end),
    Pinger = spawn(fun() ->
                           receive go -> ok end,
                           T0 = now_ns(),
                           ping(Ponger, N),
                           Parent ! {ping_pong_ns, (now_ns() - T0) / N}
                   end),
    Ponger ! {peer, Pinger},
    Pinger ! go,
    receive {ping_pong_ns, Ns} -> ok end,
    exit(Ponger, kill),
    Ns.

ping(_Ponger, 0) -> ok;
ping(Ponger, N) ->
    Ponger ! N,
    receive N -> ping(Ponger, N - 1) end.

pong(Pinger) ->
    receive N -> Pinger ! N, pong(Pinger) end.

%% ---------------------------------------------------------------------------------
%% fan_in_ns: Senders processes, already spawned and waiting, are told to go and each
%% sends PerSender integers to one receiver; wall time from the first `go` until the
%% receiver has taken the last message out of its mailbox, per message.

fan_in(Senders, PerSender) ->
    Parent = self(),
    Total = Senders * PerSender,
    Receiver = spawn_opt(fun() -> drain(Total), Parent ! fan_in_done end,
                         [{message_queue_data, off_heap}]),
    Pids = [spawn(fun() -> receive go -> send_n(Receiver, PerSender) end end)
            || _ <- lists:seq(1, Senders)],
    T0 = now_ns(),
    [P ! go || P <- Pids],
    receive fan_in_done -> ok end,
    (now_ns() - T0) / Total.

send_n(_To, 0) -> ok;
send_n(To, N) -> To ! N, send_n(To, N - 1).

drain(0) -> ok;
drain(N) -> receive _ -> drain(N - 1) end.

%% ---------------------------------------------------------------------------------
%% fairness_p50_us / fairness_p99_us: Busy processes spin on arithmetic and never
%% block; next to them a client sleeps Interval ms, sends {ping, self()} to a responder
%% that answers pong, and times the round trip. Nearest-rank p50 and p99 of Pings
%% round trips, in microseconds. A round that has run MaxMs stops early with the round
%% trips it has (only when the OS keeps the VM off the CPU for long; said on stderr).

fairness(Busy, Pings, Interval, MaxMs) ->
    Parent = self(),
    Spinners = [spawn(fun() -> spin(I) end) || I <- lists:seq(1, Busy)],
    Responder = spawn(fun responder/0),
    timer:sleep(20), % let the spinners get going on every scheduler
    Deadline = now_ns() + MaxMs * 1000000,
    Client = spawn(fun() -> Parent ! {rtts, pings(Responder, Interval, Pings, Deadline, [])} end),
    Rtts = receive {rtts, R} -> R end,
    length(Rtts) < Pings andalso
        progress("  stopped after ~b ms with ~b of ~b pings", [MaxMs, length(Rtts), Pings]),
    [exit(P, kill) || P <- [Client, Responder | Spinners]],
    Sorted = lists:sort(Rtts),
    [percentile(50, Sorted) / 1000, percentile(99, Sorted) / 1000].

pings(_Responder, _Interval, 0, _Deadline, Rtts) -> Rtts;
pings(Responder, Interval, N, Deadline, Rtts) ->
    Rtt = ping_once(Responder, Interval),
    case now_ns() < Deadline of
        true -> pings(Responder, Interval, N - 1, Deadline, [Rtt | Rtts]);
        false -> [Rtt | Rtts]
    end.

ping_once(Responder, Interval) ->
    receive after Interval -> ok end,
    T0 = now_ns(),
    Responder ! {ping, self()},
    receive pong -> now_ns() - T0 end.

responder() ->
    receive {ping, From} -> From ! pong, responder() end.

%% Stays within small integers: no allocation, no garbage collection.
spin(X) -> spin((X * 75 + 74) rem 65537).

percentile(P, Sorted) ->
    Rank = max(1, ceil(P * length(Sorted) / 100)),
    lists:nth(Rank, Sorted).
