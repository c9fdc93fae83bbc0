#!/usr/bin/env escript
%% The BEAM side of tests/qemu/matrix-dist.sh. Run with ERL_FLAGS naming the
%% node and cookie (-name beam@127.0.0.1 -setcookie C), ERL_EPMD_PORT set.
%% Prints PASS-able facts, one per line, for the script to judge:
%%   ping NODE          "ping pong" / "ping pang", then "nodes [...]"
%%   echo NODE N        N messages to NODE's echo, every term kind, each reply
%%                      compared with =:=: "echo N of N equal in order"
%%   idle NODE S        connect, stay idle S seconds: "idle still connected" or
%%                      "idle nodedown after T ms"
%%   spawn NODE         remote spawns: "reply NODE got" (armada:reply/2 sent
%%                      us a term), "ring normal" (spawn_monitor of
%%                      armada:ring/1), "linked normal" (spawn_link), "unknown R"
%%   firstclass NODE    armada:first_class/3 uses our pids through Armada's
%%                      plain send/link/monitor: "firstclass CHECK ok" per
%%                      check (else its complaint), "doomed crash"
%%   signals NODE       armada:signals/3: the reasons Armada got for ours
%%                      ending {shutdown, foo} ("signals {shutdown,foo}
%%                      {shutdown,foo} true"), "victim killed" (Armada's
%%                      kill of ours), "{exit2,{shutdown,bar}}" (our exit/2),
%%                      "{linked_kill,kill}" (a linked one of ours that
%%                      called exit(kill)), "armada killed" (our
%%                      exit(Pid, kill) of the trapping one)
%%   nowait NODE STALLED armada:no_wait/2: a send, link and monitor to a
%%                      process on STALLED, whose handshake never ends:
%%                      "nowait SendMs HoldMs Down Exit"
%%   heldkill NODE      armada:held_kill/1: senders killed while they hold a
%%                      node's entry: "{held_kill,K}", K of them killed
%%   monitored NODE     Armada processes monitor ours: one ends {shutdown, bye}
%%                      ("collected {shutdown,bye}"), one stays for the harness
%%                      to kill this node under it (Armada logs noconnection)
%%   serve              register an echo like Armada's, print "up", wait
%%   bench NODE R C     R round trips one at a time to NODE's echo ("latency
%%                      median M us p90 P us"), then C with 64 in flight
%%                      ("throughput T round trips/s"); host wall time
%%   linked NODE        Armada processes link to ours (link_me): one of ours
%%                      ends {shutdown, bye}; we link to a third (X) linked
%%                      to one of ours (P2) that ends {shutdown, bye}: "chain
%%                      R" with R what X's end gave us; then "ready" with
%%                      another linked, for the harness to kill this node under it
%%   hold NODE          connect, print "connected", then wait (to be stopped)
%%   big NODE           to NODE's echo: a 100 000-byte binary (a packet over
%%                      DIST_PACKET_MAX), an 8 000-byte one (a packet kept, a
%%                      message over DIST_MSG_TERM_MAX), then small: "first
%%                      small" when small is the first answer, "nodes [...]",
%%                      and "later K" for any answer after it
%%   pslinks NODE       link to and monitor an Armada worker, have an Armada
%%                      process monitor one of ours (monitor_me); print
%%                      "worker I.S", "holder I.S", "watched I.S" (the pids'
%%                      last two numbers), "ready", then wait (to be stopped)
%%   await NODE S       wait for NODE to connect to us, with an echo of our own
%%                      registered: "nodeup NODE", "echoed K" as it answers
%%   nodes A B          ping A and B: "nodes [...]" (sorted)
%%   watch NODE         links and monitors on Armada workers, each ended a way:
%%                      "down R", "exit R", "crash R", "demonitored none",
%%                      "noproc R"; then "ready" with one more worker linked
%%                      and monitored, for the harness to kill Armada's QEMU:
%%                      "down5 R", "exit5 R", then nodedown
-mode(compile).

main(["ping", Node]) ->
    N = list_to_atom(Node),
    io:format("ping ~p~n", [net_adm:ping(N)]),
    io:format("nodes ~p~n", [nodes()]);
main(["echo", Node, Count]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    Total = list_to_integer(Count),
    Terms = terms(),
    echo(N, Terms, Total, 0, 0, 64);
main(["idle", Node, Secs]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    erlang:monitor_node(N, true),
    T0 = erlang:monotonic_time(millisecond),
    receive
        {nodedown, N} -> io:format("idle nodedown after ~b ms~n", [erlang:monotonic_time(millisecond) - T0])
    after list_to_integer(Secs) * 1000 ->
        io:format("idle still connected: ~p~n", [lists:member(N, nodes())])
    end;
main(["await", Node, Secs]) ->
    N = list_to_atom(Node),
    ok = net_kernel:monitor_nodes(true),
    register(echo, spawn(fun Echo() -> receive {From, Msg} -> From ! Msg, Echo() end end)),
    io:format("up~n"),
    receive
        {nodeup, N} -> io:format("nodeup ~s~n", [Node])
    after list_to_integer(Secs) * 1000 -> io:format("no nodeup~n")
    end,
    timer:sleep(3000),
    io:format("nodes ~p~n", [nodes()]);
main(["nodes", A, B]) ->
    io:format("ping ~p ~p~n", [net_adm:ping(list_to_atom(A)), net_adm:ping(list_to_atom(B))]),
    io:format("nodes ~p~n", [lists:sort(nodes())]);
main(["watch", Node]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    process_flag(trap_exit, true),
    erlang:monitor_node(N, true),
    W1 = worker(N), R1 = erlang:monitor(process, W1), true = link(W1),
    W1 ! {exit, 42},
    io:format("down ~p~n", [receive {'DOWN', R1, process, W1, Why1} -> Why1 after 5000 -> timeout end]),
    io:format("exit ~p~n", [receive {'EXIT', W1, E1} -> E1 after 5000 -> timeout end]),
    W2 = worker(N), R2 = erlang:monitor(process, W2),
    W2 ! crash,
    io:format("crash ~p~n", [receive {'DOWN', R2, process, W2, Why2} -> Why2 after 5000 -> timeout end]),
    W3 = worker(N), R3 = erlang:monitor(process, W3), true = erlang:demonitor(R3),
    W3 ! {exit, normal},
    io:format("demonitored ~p~n", [receive {'DOWN', R3, _, _, _} -> got_down after 1000 -> none end]),
    R4 = erlang:monitor(process, {nosuch, N}),
    io:format("noproc ~p~n", [receive {'DOWN', R4, process, _, Why4} -> Why4 after 5000 -> timeout end]),
    W5 = worker(N), R5 = erlang:monitor(process, W5), true = link(W5),
    io:format("ready~n"),
    io:format("down5 ~p~n", [receive {'DOWN', R5, process, W5, Why5} -> Why5 after 60000 -> timeout end]),
    io:format("exit5 ~p~n", [receive {'EXIT', W5, E5} -> E5 after 5000 -> timeout end]),
    io:format("~p~n", [receive {nodedown, N} -> nodedown after 5000 -> no_nodedown end]);
main(["spawn", Node]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    P = spawn(N, armada, reply, [self(), {spawned, hi}]),
    io:format("reply ~p ~p~n", [node(P), receive {spawned, hi} -> got after 5000 -> timeout end]),
    {P2, R2} = spawn_monitor(N, armada, ring, [1000]),
    io:format("ring ~p~n", [receive {'DOWN', R2, process, P2, Why2} -> Why2 after 30000 -> timeout end]),
    process_flag(trap_exit, true),
    P3 = spawn_link(N, armada, reply, [self(), linked]),
    io:format("linked ~p~n", [receive {'EXIT', P3, Why3} -> Why3 after 5000 -> timeout end]),
    io:format("unknown ~p~n", [catch spawn(N, nomodule, nofun, [])]);
main(["firstclass", Node]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    Peer = spawn(fun() ->
                     receive {hello, From} -> From ! {answer, 42} after 20000 -> exit(no_hello) end,
                     receive <<"done">> -> exit({shutdown, bye}) after 20000 -> exit(no_done) end
                 end),
    Doomed = spawn(fun() -> receive <<"die">> -> exit(crash) after 20000 -> exit(not_told) end end),
    MD = monitor(process, Doomed),
    spawn(N, armada, first_class, [Peer, Doomed, self()]),
    receive
        {first_class, Checks} -> [io:format("firstclass ~s ~p~n", [K, V]) || {K, V} <- Checks]
    after 60000 -> io:format("firstclass no report~n")
    end,
    io:format("doomed ~p~n", [receive {'DOWN', MD, process, Doomed, R} -> R after 5000 -> timeout end]);
main(["signals", Node]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    Ender = spawn(fun() -> receive <<"go">> -> exit({shutdown, foo}) after 20000 -> exit(no_go) end end),
    Victim = spawn(fun() -> receive after 20000 -> exit(not_killed) end end),
    MV = monitor(process, Victim),
    P = spawn(N, armada, signals, [Ender, Victim, self()]),
    MP = monitor(process, P),
    receive
        {signals, Down, Exit, Killed} -> io:format("signals ~p ~p ~p~n", [Down, Exit, Killed])
    after 30000 -> io:format("signals no report~n")
    end,
    io:format("victim ~p~n", [receive {'DOWN', MV, process, Victim, R} -> R after 5000 -> timeout end]),
    true = exit(P, {shutdown, bar}),
    io:format("~p~n", [receive {exit2, R2} -> {exit2, R2} after 10000 -> no_exit2 end]),
    spawn(fun() -> link(P), receive after 200 -> exit(kill) end end),
    io:format("~p~n", [receive {linked_kill, R4} -> {linked_kill, R4} after 10000 -> no_linked_kill end]),
    timer:sleep(500),
    io:format("armada alive ~p~n", [is_process_alive_remote(P, MP)]),
    true = exit(P, kill),
    io:format("armada ~p~n", [receive {'DOWN', MP, process, P, R3} -> R3 after 10000 -> timeout end]);
main(["nowait", Node, Stalled]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    spawn(N, armada, no_wait, [list_to_atom(Stalled), self()]),
    receive
        {no_wait, SendMs, HoldMs, Down, Exit} -> io:format("nowait ~b ~b ~p ~p~n", [SendMs, HoldMs, Down, Exit])
    after 30000 -> io:format("nowait no report~n")
    end;
main(["heldkill", Node]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    spawn(N, armada, held_kill, [self()]),
    io:format("~p~n", [receive {held_kill, K} -> {held_kill, K} after 60000 -> no_report end]);
main(["monitored", Node]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    register(collector, self()),
    Watched = fun(Then) -> spawn(fun() ->
                  {echo, N} ! {self(), monitor_me},
                  receive {monitoring, _} -> Then() after 5000 -> exit(no_monitor) end end) end,
    Watched(fun() -> exit({shutdown, bye}) end),
    io:format("collected ~p~n", [receive {down, R} -> R after 10000 -> timeout end]),
    Self = self(),
    Watched(fun() -> Self ! staying, receive after infinity -> ok end end),
    receive staying -> ok after 5000 -> ok end,
    io:format("ready~n"),
    receive after infinity -> ok end;
main(["serve"]) ->
    register(echo, spawn(fun Echo() -> receive {From, Msg} -> From ! Msg, Echo() end end)),
    io:format("up~n"),
    receive after infinity -> ok end;
main(["bench", Node, Rounds, Count]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    Payload = {bench, <<0:512>>, [1, 2, 3]},
    [begin {echo, N} ! {self(), {warm, I}}, receive {warm, I} -> ok end end || I <- lists:seq(1, 100)],
    Times = lists:sort([begin
                            T0 = erlang:monotonic_time(microsecond),
                            {echo, N} ! {self(), {I, Payload}},
                            receive {I, _} -> erlang:monotonic_time(microsecond) - T0 end
                        end || I <- lists:seq(1, list_to_integer(Rounds))]),
    Len = length(Times),
    io:format("latency median ~b us p90 ~b us~n", [lists:nth(Len div 2 + 1, Times), lists:nth(Len * 9 div 10 + 1, Times)]),
    C = list_to_integer(Count),
    put(quiet, true),
    T1 = erlang:monotonic_time(microsecond),
    echo(N, [Payload], C, 0, 0, 64),
    Us = erlang:monotonic_time(microsecond) - T1,
    io:format("throughput ~b round trips/s~n", [C * 1000000 div max(Us, 1)]);
main(["linked", Node]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    Self = self(),
    Linked = fun(Then) -> spawn(fun() ->
                 {echo, N} ! {self(), link_me},
                 receive {linked, L} -> Self ! {linked, L}, Then() after 5000 -> exit(no_link) end end) end,
    Linked(fun() -> exit({shutdown, bye}) end),
    io:format("first ~p~n", [receive {linked, _} -> linked after 5000 -> timeout end]),
    %% The chain P1 - X - P2: we (P1, trapping) link to X, an Armada process
    %% linked to P2; P2 ends {shutdown, bye}, X dies of it, we get its reason.
    %% Then again with a reason of 2 000 bytes (past the 120 an Armada process
    %% keeps in its control block): "longchain true" when it arrives whole.
    process_flag(trap_exit, true),
    Chain = fun(Reason) ->
                P2 = spawn(fun() ->
                         {echo, N} ! {self(), link_me},
                         receive {linked, L} -> Self ! {chain, L}, receive go -> exit(Reason) end
                         after 5000 -> exit(no_link) end end),
                X = receive {chain, X0} -> X0 after 5000 -> none end,
                true = link(X),
                P2 ! go,
                receive {'EXIT', X, Why} -> Why after 5000 -> timeout end
            end,
    io:format("chain ~p~n", [Chain({shutdown, bye})]),
    Long = {shutdown, binary:copy(<<"x">>, 2000)},
    io:format("longchain ~p~n", [Chain(Long) =:= Long]),
    Linked(fun() -> receive after infinity -> ok end end),
    io:format("second ~p~n", [receive {linked, _} -> linked after 5000 -> timeout end]),
    io:format("ready~n"),
    receive after infinity -> ok end;
main(["pslinks", Node]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    process_flag(trap_exit, true),
    W = worker(N), _ = erlang:monitor(process, W), true = link(W),
    Self = self(),
    Watched = spawn(fun() ->
                  {echo, N} ! {self(), monitor_me},
                  receive {monitoring, _} -> Self ! monitoring after 5000 -> exit(no_monitor) end,
                  receive after infinity -> ok end end),
    receive monitoring -> ok after 5000 -> io:format("not monitored~n") end,
    [io:format("~s ~s~n", [K, pid_tail(P)]) || {K, P} <- [{worker, W}, {holder, self()}, {watched, Watched}]],
    io:format("ready~n"),
    receive after infinity -> ok end;
main(["big", Node]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    {echo, N} ! {self(), {big, binary:copy(<<1>>, 100000)}},
    {echo, N} ! {self(), {medium, binary:copy(<<2>>, 8000)}},
    {echo, N} ! {self(), small},
    io:format("first ~p~n", [receive A -> element(1, {A}) after 10000 -> timeout end]),
    io:format("nodes ~p~n", [nodes()]),
    receive B -> io:format("later ~p~n", [B]) after 2000 -> ok end;
main(["hold", Node]) ->
    N = list_to_atom(Node),
    io:format("ping ~p~n", [net_adm:ping(N)]),
    io:format("connected~n"),
    receive after infinity -> ok end.

%% "<X.I.S>" -> "I.S": the id and serial, as Armada's ps prints pids.
pid_tail(P) ->
    [_, I, S] = string:lexemes(string:trim(pid_to_list(P), both, "<>"), "."),
    I ++ "." ++ S.

%% Still there (no DOWN yet for its monitor)?
is_process_alive_remote(P, MP) ->
    receive {'DOWN', MP, process, P, _} = D -> self() ! D, false after 0 -> true end.

worker(N) ->
    {echo, N} ! {self(), spawn_worker},
    receive {worker, W} -> W after 5000 -> error(no_worker) end.

%% Every kind lib/term takes, as erl makes them.
terms() ->
    [ok, 'h\x{e9}llo', list_to_atom([16#65E5, 16#672C]), 0, 255, -1, 2147483648, -(1 bsl 63), 1 bsl 64,
     1 bsl 2100, 1.5, -1.0e300, {}, {a, b, c}, list_to_tuple(lists:seq(1, 300)), [], [1, 2 | 3],
     [[1], [[2]], []], "hello", <<>>, <<1, 2, 3>>, <<1:3>>, #{a => 1, <<"k">> => [x]}, #{}, self(),
     make_ref(), hd(erlang:ports()), fun lists:map/2, {nested, [#{deep => {self(), make_ref()}}]}].

%% Up to Window messages in flight, each {Seq, Term}, answered in order.
echo(_N, _Terms, Total, Total, Total, _Window) ->
    case get(quiet) of true -> ok; _ -> io:format("echo ~b of ~b equal in order~n", [Total, Total]) end;
echo(N, Terms, Total, Sent, Got, Window) when Sent < Total, Sent - Got < Window ->
    T = lists:nth(Sent rem length(Terms) + 1, Terms),
    {echo, N} ! {self(), {Sent, T}},
    echo(N, Terms, Total, Sent + 1, Got, Window);
echo(N, Terms, Total, Sent, Got, Window) ->
    Want = {Got, lists:nth(Got rem length(Terms) + 1, Terms)},
    receive
        Want -> echo(N, Terms, Total, Sent, Got + 1, Window);
        Other -> io:format("echo mismatch at ~b: sent ~p, got ~p~n", [Got, Want, Other]), halt(1)
    after 10000 ->
        io:format("echo stalled: ~b of ~b answered~n", [Got, Total]), halt(1)
    end.
