import CVConformTrace

/// The bounded model `verify` explores serially, written in Promela for
/// SPIN (contract section 9, `--promela`): the same universe, the same
/// stimuli, the same state (the fields of `PackedState`, one global each),
/// and the invariants INV-1…7 as assertions at the end of every step. A
/// stimulus and its whole propagation are one `d_step`, so pan's stored
/// states are the quiescent states verify counts. Inside a step the roles
/// are inlines (`icm_…`, `cvct_…`, `ecs_…`) that take messages from one
/// FIFO in the order sent, as the serial propagation does. The switch keeps
/// ranks, not clock ticks (see `ECSMachine.normalize`): availability among
/// available agents, launch order among active sessions, 1 for the
/// earliest. In `core` a stimulus that enters an unspecified situation is
/// undone (verify does not send it).
public struct PromelaModel: Sendable {
    public let universe: Universe
    public let profile: Profile

    public init(universe: Universe, profile: Profile) {
        self.universe = universe
        self.profile = profile
    }

    public var text: String {
        header + declarations + helpers + roles + invariants + environment
    }

    private var header: String {
        """
        /* cvconform verify --promela: the reference model over \(universe), profile \(profile.rawValue).
           Serial semantics: each stimulus and its whole propagation is one d_step.
           spin -a model.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan */

        #define A \(universe.agents)          /* administered agents 0..A-1; agent A is one nobody administered */
        #define AGENTS \(universe.agents + 1)
        #define S \(universe.stations)          /* stations 0..S-1; station S is not administered */
        #define V \(universe.vdns)          /* VDNs 0..V-1 (V: not administered, extended only) */
        #define K \(universe.skills)          /* skills; agent a has skill 0 and skill a % K; VDN v queues to skill v % K */
        #define N \(universe.sessions)          /* session ids, requested in order, each once */
        #define CORE \(profile == .core ? 1 : 0)
        #define HAS_SKILL(a, k) ((a) < A && ((k) == 0 || (k) == (a) % K))
        #define VDN_SKILL(v) ((v) % K)
        #define AVAILABLE 1
        #define ALERTING 2
        #define CONNECTED 3
        #define REALTIME 1
        #define MESSAGING 2


        """
    }

    private var declarations: String {
        """
        mtype = { login, logout, release, session_request, answer, hangup, logout_feature,
                  login_request, drop_request, logout_request, launch, asai_login, asai_drop, asai_logout,
                  login_confirmed, answered, dropped, agent_logged_out, logged_in, logged_out_by_phone,
                  progress_answered, progress_dropped_by_phone };

        /* The state: the fields of verify's packed state. Stations, sessions and skills are kept plus one (0: none). */
        byte icm_station[AGENTS];   /* where the ICM has the agent logged in */
        byte icm_session[AGENTS];   /* the session the agent's ACW has */
        byte icm_media[N];          /* the media of each session the ICM launched and has not ended */
        byte ecs_status[AGENTS];    /* 0 logged out, AVAILABLE, ALERTING, CONNECTED */
        byte ecs_station[AGENTS];
        byte ecs_session[AGENTS];
        byte ecs_rank[AGENTS];      /* among available agents: 1 became available earliest */
        byte ecs_skill[N];          /* the skill of each session the ECS handles */
        byte ecs_launch[N];         /* among the sessions the ECS handles: 1 launched earliest */
        byte requested;             /* session ids requested so far */

        /* Scratch, always 0 between steps. */
        chan pending = [24] of { mtype, byte, byte, byte };
        mtype kind;
        byte m1, m2, m3;
        byte i, j, n, best, who, r;
        bit unspecified;
        byte saved_icm_station[AGENTS]; byte saved_icm_session[AGENTS]; byte saved_icm_media[N];
        byte saved_ecs_status[AGENTS]; byte saved_ecs_station[AGENTS]; byte saved_ecs_session[AGENTS];
        byte saved_ecs_rank[AGENTS]; byte saved_ecs_skill[N]; byte saved_ecs_launch[N];


        """
    }

    private var helpers: String {
        """
        inline save() {
          i = 0;
          do :: i < AGENTS -> saved_icm_station[i] = icm_station[i]; saved_icm_session[i] = icm_session[i];
                saved_ecs_status[i] = ecs_status[i]; saved_ecs_station[i] = ecs_station[i];
                saved_ecs_session[i] = ecs_session[i]; saved_ecs_rank[i] = ecs_rank[i]; i++
             :: else -> break od;
          i = 0;
          do :: i < N -> saved_icm_media[i] = icm_media[i]; saved_ecs_skill[i] = ecs_skill[i]; saved_ecs_launch[i] = ecs_launch[i]; i++
             :: else -> break od;
          i = 0
        }

        inline restore() {
          i = 0;
          do :: i < AGENTS -> icm_station[i] = saved_icm_station[i]; icm_session[i] = saved_icm_session[i];
                ecs_status[i] = saved_ecs_status[i]; ecs_station[i] = saved_ecs_station[i];
                ecs_session[i] = saved_ecs_session[i]; ecs_rank[i] = saved_ecs_rank[i]; i++
             :: else -> break od;
          i = 0;
          do :: i < N -> icm_media[i] = saved_icm_media[i]; ecs_skill[i] = saved_ecs_skill[i]; ecs_launch[i] = saved_ecs_launch[i]; i++
             :: else -> break od;
          i = 0
        }

        inline forget_saved() {
          i = 0;
          do :: i < AGENTS -> saved_icm_station[i] = 0; saved_icm_session[i] = 0; saved_ecs_status[i] = 0;
                saved_ecs_station[i] = 0; saved_ecs_session[i] = 0; saved_ecs_rank[i] = 0; i++
             :: else -> break od;
          i = 0;
          do :: i < N -> saved_icm_media[i] = 0; saved_ecs_skill[i] = 0; saved_ecs_launch[i] = 0; i++
             :: else -> break od;
          i = 0
        }


        """
    }

    private var roles: String {
        """
        /* ---- ICM (I1-I9) ---- */
        inline icm_forget(a) {
          if :: icm_session[a] != 0 -> icm_media[icm_session[a] - 1] = 0 :: else -> skip fi;
          icm_station[a] = 0; icm_session[a] = 0
        }
        inline icm_login(a, x) { pending!login_request, a, x, 0 }
        inline icm_login_confirmed(a, x) {
          if :: icm_station[a] != 0 -> unspecified = 1; icm_forget(a) :: else -> skip fi;   /* EXT-8 */
          icm_station[a] = x + 1
        }
        inline icm_session_request(s, m, v) {
          who = AGENTS; i = 0;
          do :: i < AGENTS -> if :: icm_session[i] == s + 1 -> who = i :: else -> skip fi; i++ :: else -> break od;
          if :: who == AGENTS -> icm_media[s] = m :: else -> skip fi;
          who = 0; i = 0;
          pending!launch, s, v, m
        }
        inline icm_answered(s, x) {
          who = AGENTS; i = 0;
          do :: i < AGENTS -> if :: icm_station[i] == x + 1 -> who = i :: else -> skip fi; i++ :: else -> break od;
          if :: who < AGENTS && icm_session[who] == 0 -> icm_session[who] = s + 1
             :: else -> unspecified = 1   /* EXT-6 */
          fi;
          who = 0; i = 0
        }
        inline icm_release(a, s, b) {
          if :: icm_session[a] == s + 1 && ((icm_media[s] == REALTIME && b == 1) || (icm_media[s] == MESSAGING && b != 1)) ->
                pending!drop_request, s, icm_station[a] - 1, 0;
                icm_session[a] = 0; icm_media[s] = 0
             :: else -> skip
          fi
        }
        inline icm_dropped(s) {
          who = AGENTS; i = 0;
          do :: i < AGENTS -> if :: icm_session[i] == s + 1 -> who = i :: else -> skip fi; i++ :: else -> break od;
          if :: who < AGENTS -> icm_session[who] = 0; icm_media[s] = 0 :: else -> skip fi;
          who = 0; i = 0
        }
        inline icm_logout(a) {
          if :: icm_station[a] != 0 && icm_session[a] == 0 -> pending!logout_request, a, icm_station[a] - 1, 0; icm_forget(a)
             :: icm_session[a] != 0 -> unspecified = 1   /* EXT-5 */
             :: else -> skip
          fi
        }
        inline icm_agent_logged_out(a) { icm_forget(a) }

        /* ---- CVCT: a relay ---- */
        inline cvct_receive() {
          if :: kind == login_request -> pending!asai_login, m1, m2, 0
             :: kind == drop_request -> pending!asai_drop, m1, m2, 0
             :: kind == logout_request -> pending!asai_logout, m1, m2, 0
             :: kind == logged_in -> pending!login_confirmed, m1, m2, 0
             :: kind == progress_answered -> pending!answered, m1, m2, 0
             :: kind == progress_dropped_by_phone -> pending!dropped, m1, 0, 0
             :: kind == logged_out_by_phone -> pending!agent_logged_out, m1, m2, 0
          fi
        }

        /* ---- ECS (E1-E9) ---- */
        inline agent_at(x) {   /* who: the agent logged in at x, or AGENTS */
          who = AGENTS; i = 0;
          do :: i < AGENTS -> if :: ecs_status[i] != 0 && ecs_station[i] == x + 1 -> who = i :: else -> skip fi; i++ :: else -> break od;
          i = 0
        }
        inline leave_availability(a) {
          if :: ecs_status[a] == AVAILABLE ->
                r = ecs_rank[a]; j = 0;
                do :: j < AGENTS -> if :: ecs_status[j] == AVAILABLE && ecs_rank[j] > r -> ecs_rank[j]-- :: else -> skip fi; j++
                   :: else -> break od;
                ecs_rank[a] = 0; r = 0; j = 0
             :: else -> skip
          fi
        }
        inline deliver(s, a) {   /* E8 */
          leave_availability(a);
          ecs_status[a] = ALERTING; ecs_session[a] = s + 1
        }
        inline most_idle(k) {   /* best: the available agent with skill k that became available earliest, or AGENTS */
          best = AGENTS; j = 0;
          do :: j < AGENTS -> if :: ecs_status[j] == AVAILABLE && HAS_SKILL(j, k) && (best == AGENTS || ecs_rank[j] < ecs_rank[best]) -> best = j
                               :: else -> skip fi; j++
             :: else -> break od;
          j = 0
        }
        inline route(s) {   /* deliver to the most idle agent with the skill, or leave queued */
          most_idle(ecs_skill[s] - 1);
          if :: best < AGENTS -> deliver(s, best) :: else -> skip fi;
          best = 0
        }
        inline end_session(s) {
          r = ecs_launch[s]; j = 0;
          do :: j < N -> if :: ecs_skill[j] != 0 && ecs_launch[j] > r -> ecs_launch[j]-- :: else -> skip fi; j++ :: else -> break od;
          ecs_skill[s] = 0; ecs_launch[s] = 0; r = 0; j = 0
        }
        inline become_available(a) {   /* then E9: the queued session launched earliest with one of a's skills */
          n = 0; j = 0;
          do :: j < AGENTS -> if :: ecs_status[j] == AVAILABLE -> n++ :: else -> skip fi; j++ :: else -> break od;
          ecs_status[a] = AVAILABLE; ecs_rank[a] = n + 1; ecs_session[a] = 0;
          best = N; j = 0;
          do :: j < N ->
                if :: ecs_skill[j] != 0 && HAS_SKILL(a, ecs_skill[j] - 1) && (best == N || ecs_launch[j] < ecs_launch[best]) ->
                      n = 0; i = 0;   /* queued: no agent holds it */
                      do :: i < AGENTS -> if :: ecs_status[i] >= ALERTING && ecs_session[i] == j + 1 -> n = 1 :: else -> skip fi; i++
                         :: else -> break od;
                      if :: n == 0 -> best = j :: else -> skip fi
                   :: else -> skip
                fi; j++
             :: else -> break od;
          n = 0; i = 0; j = 0;
          if :: best < N -> deliver(best, a) :: else -> skip fi;
          best = 0
        }
        inline log_out(a) {
          leave_availability(a);
          ecs_status[a] = 0; ecs_station[a] = 0; ecs_session[a] = 0
        }
        inline ecs_asai_login(a, x) {   /* E1: the first cause that applies denies */
          if :: a >= A || x >= S || ecs_status[a] != 0 -> skip
             :: else ->
                agent_at(x);
                if :: who < AGENTS -> skip
                   :: else -> ecs_station[a] = x + 1; pending!logged_in, a, x, 0; become_available(a)
                fi;
                who = 0
          fi
        }
        inline ecs_launch_session(s, v) {   /* E2 */
          if :: v >= V -> unspecified = 1   /* EXT-1 */
             :: ecs_skill[s] != 0 -> unspecified = 1   /* EXT-7 */
             :: else ->
                n = 0; j = 0;
                do :: j < N -> if :: ecs_skill[j] != 0 -> n++ :: else -> skip fi; j++ :: else -> break od;
                ecs_skill[s] = VDN_SKILL(v) + 1; ecs_launch[s] = n + 1; n = 0; j = 0;
                route(s)
          fi
        }
        inline ecs_answer(x) {   /* E3 */
          agent_at(x);
          if :: who < AGENTS && ecs_status[who] == ALERTING ->
                ecs_status[who] = CONNECTED; pending!progress_answered, ecs_session[who] - 1, x, 0
             :: else -> skip
          fi;
          who = 0
        }
        inline ecs_hangup(x) {   /* E4 */
          agent_at(x);
          if :: who < AGENTS && ecs_status[who] == CONNECTED ->
                pending!progress_dropped_by_phone, ecs_session[who] - 1, x, 0;
                end_session(ecs_session[who] - 1); become_available(who)
             :: else -> skip
          fi;
          who = 0
        }
        inline ecs_asai_drop(s, x) {   /* E5 */
          agent_at(x);
          if :: who < AGENTS && ecs_status[who] == CONNECTED && ecs_session[who] == s + 1 ->
                end_session(s); become_available(who)
             :: else -> skip   /* ECS-DROP-2 */
          fi;
          who = 0
        }
        inline ecs_asai_logout(a, x) {   /* E6 */
          if :: ecs_status[a] == AVAILABLE && ecs_station[a] == x + 1 -> log_out(a)
             :: ecs_status[a] == ALERTING && ecs_station[a] == x + 1 ->   /* EXT-2: ring-no-answer, the session goes on */
                unspecified = 1; m3 = ecs_session[a] - 1; log_out(a); route(m3); m3 = 0
             :: ecs_status[a] == CONNECTED && ecs_station[a] == x + 1 -> unspecified = 1   /* EXT-3 */
             :: else -> skip
          fi
        }
        inline ecs_logout_feature(x) {   /* E7 */
          agent_at(x);
          if :: who < AGENTS && ecs_status[who] == AVAILABLE -> pending!logged_out_by_phone, who, x, 0; log_out(who)
             :: who < AGENTS && ecs_status[who] != AVAILABLE -> unspecified = 1   /* EXT-4 */
             :: else -> skip
          fi;
          who = 0
        }

        /* Each message in the order sent, to its role, until nothing is left. */
        inline propagate() {
          do :: nempty(pending) ->
                pending?kind, m1, m2, m3;
                if :: kind == login -> icm_login(m1, m2)
                   :: kind == logout -> icm_logout(m1)
                   :: kind == release -> icm_release(m1, m2, m3)
                   :: kind == session_request -> icm_session_request(m1, m2, m3)
                   :: kind == login_confirmed -> icm_login_confirmed(m1, m2)
                   :: kind == answered -> icm_answered(m1, m2)
                   :: kind == dropped -> icm_dropped(m1)
                   :: kind == agent_logged_out -> icm_agent_logged_out(m1)
                   :: (kind == login_request || kind == drop_request || kind == logout_request || kind == logged_in || kind == progress_answered || kind == progress_dropped_by_phone || kind == logged_out_by_phone) -> cvct_receive()
                   :: kind == launch -> ecs_launch_session(m1, m2)
                   :: kind == asai_login -> ecs_asai_login(m1, m2)
                   :: kind == asai_drop -> ecs_asai_drop(m1, m2)
                   :: kind == asai_logout -> ecs_asai_logout(m1, m2)
                   :: kind == answer -> ecs_answer(m1)
                   :: kind == hangup -> ecs_hangup(m1)
                   :: kind == logout_feature -> ecs_logout_feature(m1)
                fi
             :: empty(pending) -> break
          od;
          kind = 0; m1 = 0; m2 = 0; m3 = 0
        }


        """
    }

    private var invariants: String {
        """
        /* INV-1..7 of spec/verify.md, in every quiescent state. */
        inline check() {
          i = 0;
          do :: i < AGENTS ->
                assert(icm_station[i] == ecs_station[i]);                                             /* INV-1 */
                assert(icm_session[i] == (ecs_status[i] == CONNECTED -> ecs_session[i] : 0));          /* INV-2 */
                assert((icm_station[i] == 0 && ecs_status[i] == 0) || (i < A && icm_station[i] <= S && ecs_station[i] <= S)); /* INV-6 */
                j = i + 1;
                do :: j < AGENTS ->
                      assert(icm_session[i] == 0 || icm_session[i] != icm_session[j]);                 /* INV-3 */
                      assert(ecs_status[i] < ALERTING || ecs_status[j] < ALERTING || ecs_session[i] != ecs_session[j]);
                      assert(icm_station[i] == 0 || icm_station[i] != icm_station[j]);                 /* INV-4 */
                      assert(ecs_status[i] == 0 || ecs_status[j] == 0 || ecs_station[i] != ecs_station[j]);
                      j++
                   :: else -> break od;
                i++
             :: else -> break od;
          i = 0;
          do :: i < N ->
                assert((ecs_skill[i] == 0) == (icm_media[i] == 0));                                  /* INV-7 */
                if :: ecs_skill[i] != 0 ->
                      n = 0; j = 0;
                      do :: j < AGENTS -> if :: ecs_status[j] >= ALERTING && ecs_session[j] == i + 1 -> n = 1 :: else -> skip fi; j++
                         :: else -> break od;
                      j = 0;
                      do :: n == 0 && j < AGENTS -> assert(!(ecs_status[j] == AVAILABLE && HAS_SKILL(j, ecs_skill[i] - 1))); j++ /* INV-5 */
                         :: else -> break od
                   :: else -> skip
                fi;
                i++
             :: else -> break od;
          i = 0; j = 0; n = 0
        }

        /* A stimulus with its whole propagation; in core, undone when it entered an unspecified situation.
           `spin -t` prints each stimulus taken as STIMULUS <its number in verify's alphabet>, for verify --import-trail. */
        inline step(t, p1, p2, p3, fresh, number) {
          save();
          pending!t, p1, p2, p3;
          propagate();
          if :: CORE && unspecified -> restore()
             :: else -> requested = requested + fresh; printf("STIMULUS %d\\n", number)
          fi;
          unspecified = 0;
          forget_saved();
          check()
        }


        """
    }

    private var environment: String {
        // One option per stimulus of verify's alphabet, in its order, so a
        // trail's STIMULUS numbers are the alphabet's.
        let alphabet = VerifyAlphabet(universe: universe, profile: profile)
        var options: [String] = []
        for (number, stimulus) in alphabet.stimuli.enumerated() {
            let call = "step(\(promelaArguments(stimulus)), "
            let comment = "  /* \(stimulus.description) */"
            if let session = alphabet.requestOf[number] {
                options.append("d_step { requested == \(session) -> \(call)1, \(number)) }" + comment)
                if profile == .extended { options.append("d_step { requested > \(session) -> \(call)0, \(number)) }" + comment) }
            } else if let session = alphabet.releaseOf[number] {
                options.append("d_step { requested > \(session) -> \(call)0, \(number)) }" + comment)
            } else {
                options.append("d_step { \(call)0, \(number)) }" + comment)
            }
        }
        return """
            /* The environment: browsers, customers and phones, one stimulus at a time. */
            active proctype environment() {
              do
            \(options.map { "  :: " + $0 }.joined(separator: "\n"))
              od
            }

            """
    }

    /// A stimulus as `step`'s first four arguments: its type and up to
    /// three numbers (indices into the universe, media and buttons from 1).
    private func promelaArguments(_ stimulus: Message) -> String {
        // An id not in the universe (the unknown agent, station or VDN) is
        // the number after the last administered one.
        func index(_ id: String, in ids: [String]) -> Int { ids.firstIndex(of: id) ?? ids.count }
        let agent = index(stimulus["agent"], in: universe.agentIDs)
        let station = index(stimulus["extension"], in: universe.stationIDs)
        let session = index(stimulus["session"], in: universe.sessionIDs)
        let vdn = index(stimulus["vdn"], in: universe.vdnNumbers)
        switch stimulus.type {
        case .login: return "login, \(agent), \(station), 0"
        case .logout: return "logout, \(agent), 0, 0"
        case .release: return "release, \(agent), \(session), \(["drop": 1, "close": 2, "suspend": 3][stimulus["button"]] ?? 0)"
        case .sessionRequest: return "session_request, \(session), \(stimulus["media"] == "realtime" ? "REALTIME" : "MESSAGING"), \(vdn)"
        case .answer: return "answer, \(station), 0, 0"
        case .hangup: return "hangup, \(station), 0, 0"
        default: return "logout_feature, \(station), 0, 0"
        }
    }
}
