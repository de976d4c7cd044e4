import CVConformModel
import CVConformTrace

/// The bounded model `verify` explores serially, written in Promela for
/// SPIN (contract section 9, `--promela`): the same universe, the same
/// stimuli, the same state (the fields of `PackedState`, one global each),
/// and the invariants INV-1…7 as assertions at the end of every step. A
/// stimulus and its whole propagation are one atomic sequence (the choice,
/// then one `d_step`), so pan's stored states are the quiescent states
/// verify counts. Inside a step the roles
/// are inlines (`icm_receive`, `cvct_receive`, `ecs_receive`) that take
/// messages from one FIFO in the order sent, as the serial propagation
/// does; each is expanded once per step, and scratch variables are
/// `hidden`, so pan compiles in seconds. The switch keeps ranks, not clock
/// ticks (see `ECSMachine.normalize`): availability among available
/// agents, launch order among active sessions, 1 for the earliest. In
/// `core` a stimulus that would enter an unspecified situation is not
/// offered.
///
/// With races (`raceWidth`, profile `extended` only) the export has the
/// asynchronous semantics of section 8 as verify explores it: one process
/// per role that keeps state (`icm`, `ecs`), each taking the head of any of
/// its FIFO channels in a `d_step`; the CVCT, a stateless relay, is folded
/// into its senders (verify relays at once too); the environment sends up
/// to `raceWidth` stimuli before the system is quiescent again. A state is
/// then the machines, the messages in each channel and the count of racing
/// stimuli: the states verify counts with `--races`.
package struct PromelaModel: Sendable {
    package let universe: Universe
    package let profile: Profile
    /// The asynchronous semantics, up to this many stimuli before
    /// quiescence; nil for the serial semantics.
    package let raceWidth: Int?

    package init(universe: Universe, profile: Profile, raceWidth: Int? = nil) {
        self.universe = universe
        self.profile = profile
        self.raceWidth = raceWidth
    }

    /// Why this export cannot be written, or nil.
    package var problem: String? {
        guard raceWidth != nil, profile == .core else { return nil }
        return "--promela with --races needs --profile extended: core's rule for racing stimuli looks ahead at every "
            + "interleaving before sending, which a Promela guard cannot"
    }

    package var text: String {
        let body = raceWidth.map { racing(width: $0) } ?? serial
        return header + sends + declarations + roles + invariants + body
    }

    private var header: String {
        """
        /* cvconform verify --promela: the reference model over \(universe), profile \(profile.rawValue).
           \(raceWidth.map { "Asynchronous semantics (contract section 8), up to \($0) stimuli before quiescence." }
              ?? "Serial semantics: each stimulus and its whole propagation is one d_step.")
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
                  login_confirmed, login_denied, answered, dropped, agent_logged_out, logged_in, logged_out_by_phone,
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

        /* Messages between the roles during one step, in the order sent; empty between steps. */
        chan pending = [24] of { mtype, byte, byte, byte };

        /* Scratch: hidden, so not part of the state. */
        hidden mtype kind;
        hidden byte m1, m2, m3;
        hidden byte i, j, n, best, who, rank;
        hidden byte ended, leaving, available, routed;   /* what the ECS does after a message: N or AGENTS for nothing */
        hidden byte unspecified;
        hidden mtype stimulus;                   /* the stimulus the environment chose, and its numbers */
        hidden byte s1, s2, s3, fresh, number;


        """
    }

    private var roles: String {
        """
        /* ---- ICM (I1-I9) ---- */
        inline icm_forget(a) {
          if :: icm_session[a] != 0 -> icm_media[icm_session[a] - 1] = 0 :: else -> skip fi;
          icm_station[a] = 0; icm_session[a] = 0
        }
        inline icm_receive() {
          if
          :: kind == login -> SEND_LOGIN_REQUEST(m1, m2)                                          /* I1 */
          :: kind == login_confirmed ->                                                         /* I2 */
             if :: icm_station[m1] != 0 -> unspecified = 1; icm_forget(m1) :: else -> skip fi;   /* EXT-8 */
             icm_station[m1] = m2 + 1
          :: kind == session_request ->                                                         /* I4 */
             who = AGENTS; i = 0;
             do :: i < AGENTS -> if :: icm_session[i] == m1 + 1 -> who = i :: else -> skip fi; i++ :: else -> break od;
             if :: who == AGENTS -> icm_media[m1] = m2 :: else -> skip fi;
             SEND_LAUNCH(m1, m3, m2)
          :: kind == answered ->                                                                /* I5 */
             who = AGENTS; i = 0;
             do :: i < AGENTS -> if :: icm_station[i] == m2 + 1 -> who = i :: else -> skip fi; i++ :: else -> break od;
             if :: who < AGENTS && icm_session[who] == 0 -> icm_session[who] = m1 + 1
                :: else -> unspecified = 1                                                      /* EXT-6 */
             fi
          :: kind == release ->                                                                 /* I6 */
             if :: icm_session[m1] == m2 + 1 && ((icm_media[m2] == REALTIME && m3 == 1) || (icm_media[m2] == MESSAGING && m3 != 1)) ->
                   SEND_DROP_REQUEST(m2, icm_station[m1] - 1); icm_session[m1] = 0; icm_media[m2] = 0
                :: else -> skip
             fi
          :: kind == dropped ->                                                                 /* I7 */
             i = 0;
             do :: i < AGENTS -> if :: icm_session[i] == m1 + 1 -> icm_session[i] = 0; icm_media[m1] = 0 :: else -> skip fi; i++
                :: else -> break od
          :: kind == logout ->                                                                  /* I8 */
             if :: icm_station[m1] != 0 && icm_session[m1] == 0 -> SEND_LOGOUT_REQUEST(m1, icm_station[m1] - 1); icm_forget(m1)
                :: icm_session[m1] != 0 -> unspecified = 1                                      /* EXT-5 */
                :: else -> skip
             fi
          :: kind == agent_logged_out -> icm_forget(m1)                                         /* I9 */
          :: else -> skip                                                                       /* I3: login-failed only */
          fi
        }

        /* ---- ECS (E1-E9) ---- */
        inline leave_availability(a) {
          if :: ecs_status[a] == AVAILABLE ->
                rank = ecs_rank[a]; j = 0;
                do :: j < AGENTS -> if :: ecs_status[j] == AVAILABLE && ecs_rank[j] > rank -> ecs_rank[j]-- :: else -> skip fi; j++
                   :: else -> break od;
                ecs_rank[a] = 0
             :: else -> skip
          fi
        }
        inline deliver(s, a) {   /* E8 */
          leave_availability(a);
          ecs_status[a] = ALERTING; ecs_session[a] = s + 1
        }
        inline ecs_receive() {
          /* who: the agent logged in at the message's extension, or AGENTS */
          if :: kind == answer || kind == hangup || kind == logout_feature -> n = m1 :: else -> n = m2 fi;
          who = AGENTS; i = 0;
          do :: i < AGENTS -> if :: ecs_status[i] != 0 && ecs_station[i] == n + 1 -> who = i :: else -> skip fi; i++ :: else -> break od;
          ended = N; leaving = AGENTS; available = AGENTS; routed = N;
          if
          :: kind == asai_login ->                                                              /* E1: the first cause that applies denies */
             if :: m1 >= A -> SEND_LOGIN_DENIED(m1, m2, 1)                                  /* unknown-agent */
                :: m1 < A && m2 >= S -> SEND_LOGIN_DENIED(m1, m2, 2)                       /* unknown-extension */
                :: m1 < A && m2 < S && ecs_status[m1] != 0 -> SEND_LOGIN_DENIED(m1, m2, 3) /* agent-logged-in */
                :: m1 < A && m2 < S && ecs_status[m1] == 0 && who < AGENTS -> SEND_LOGIN_DENIED(m1, m2, 4) /* extension-in-use */
                :: else -> ecs_station[m1] = m2 + 1; SEND_LOGGED_IN(m1, m2); available = m1
             fi
          :: kind == launch ->                                                                  /* E2 */
             if :: m2 >= V -> unspecified = 1                                                   /* EXT-1 */
                :: ecs_skill[m1] != 0 -> unspecified = 1                                        /* EXT-7 */
                :: else ->
                   n = 0; j = 0;
                   do :: j < N -> if :: ecs_skill[j] != 0 -> n++ :: else -> skip fi; j++ :: else -> break od;
                   ecs_skill[m1] = VDN_SKILL(m2) + 1; ecs_launch[m1] = n + 1; routed = m1
             fi
          :: kind == answer ->                                                                  /* E3 */
             if :: who < AGENTS && ecs_status[who] == ALERTING ->
                   ecs_status[who] = CONNECTED; SEND_ANSWERED(ecs_session[who] - 1, m1)
                :: else -> skip
             fi
          :: kind == hangup ->                                                                  /* E4 */
             if :: who < AGENTS && ecs_status[who] == CONNECTED ->
                   SEND_DROPPED_BY_PHONE(ecs_session[who] - 1, m1); ended = ecs_session[who] - 1; available = who
                :: else -> skip
             fi
          :: kind == asai_drop ->                                                               /* E5 */
             if :: who < AGENTS && ecs_status[who] == CONNECTED && ecs_session[who] == m1 + 1 -> ended = m1; available = who
                :: else -> skip                                                                 /* ECS-DROP-2 */
             fi
          :: kind == asai_logout ->                                                             /* E6 */
             if :: ecs_status[m1] == AVAILABLE && ecs_station[m1] == m2 + 1 -> leaving = m1
                :: ecs_status[m1] == ALERTING && ecs_station[m1] == m2 + 1 ->                   /* EXT-2: ring-no-answer */
                   unspecified = 1; routed = ecs_session[m1] - 1; leaving = m1
                :: ecs_status[m1] == CONNECTED && ecs_station[m1] == m2 + 1 -> unspecified = 1  /* EXT-3 */
                :: else -> skip
             fi
          :: kind == logout_feature ->                                                          /* E7 */
             if :: who < AGENTS && ecs_status[who] == AVAILABLE -> SEND_LOGGED_OUT_BY_PHONE(who, m1); leaving = who
                :: who < AGENTS && ecs_status[who] != AVAILABLE -> unspecified = 1              /* EXT-4 */
                :: else -> skip
             fi
          fi;
          /* A session ends: the later ones move up in launch order. */
          if :: ended < N ->
                rank = ecs_launch[ended]; j = 0;
                do :: j < N -> if :: ecs_skill[j] != 0 && ecs_launch[j] > rank -> ecs_launch[j]-- :: else -> skip fi; j++ :: else -> break od;
                ecs_skill[ended] = 0; ecs_launch[ended] = 0
             :: else -> skip
          fi;
          /* An agent logs out. */
          if :: leaving < AGENTS ->
                leave_availability(leaving); ecs_status[leaving] = 0; ecs_station[leaving] = 0; ecs_session[leaving] = 0
             :: else -> skip
          fi;
          /* An agent becomes available last, then E9: the queued session launched earliest with one of its skills. */
          if :: available < AGENTS ->
                n = 0; j = 0;
                do :: j < AGENTS -> if :: ecs_status[j] == AVAILABLE -> n++ :: else -> skip fi; j++ :: else -> break od;
                ecs_status[available] = AVAILABLE; ecs_rank[available] = n + 1; ecs_session[available] = 0;
                best = N; j = 0;
                do :: j < N ->
                      if :: ecs_skill[j] != 0 && HAS_SKILL(available, ecs_skill[j] - 1) && (best == N || ecs_launch[j] < ecs_launch[best]) ->
                            n = 0; i = 0;   /* queued: no agent holds it */
                            do :: i < AGENTS -> if :: ecs_status[i] >= ALERTING && ecs_session[i] == j + 1 -> n = 1 :: else -> skip fi; i++
                               :: else -> break od;
                            if :: n == 0 -> best = j :: else -> skip fi
                         :: else -> skip
                      fi; j++
                   :: else -> break od;
                if :: best < N -> deliver(best, available) :: else -> skip fi
             :: else -> skip
          fi;
          /* A session goes to the available agent with its skill that became available earliest, or stays queued. */
          if :: routed < N ->
                best = AGENTS; j = 0;
                do :: j < AGENTS ->
                      if :: ecs_status[j] == AVAILABLE && HAS_SKILL(j, ecs_skill[routed] - 1) && (best == AGENTS || ecs_rank[j] < ecs_rank[best]) -> best = j
                         :: else -> skip fi; j++
                   :: else -> break od;
                if :: best < AGENTS -> deliver(routed, best) :: else -> skip fi
             :: else -> skip
          fi
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
                n = 0; j = 0;
                do :: j < AGENTS -> if :: ecs_status[j] >= ALERTING && ecs_session[j] == i + 1 -> n = 1 :: else -> skip fi; j++
                   :: else -> break od;
                j = 0;
                do :: ecs_skill[i] != 0 && n == 0 && j < AGENTS ->                                   /* INV-5 */
                      assert(!(ecs_status[j] == AVAILABLE && HAS_SKILL(j, ecs_skill[i] - 1))); j++
                   :: else -> break od;
                i++
             :: else -> break od;
          skip   /* a loop's break needs a statement after it inside a d_step */
        }

        """
    }

    /// What a role's message becomes: serially it joins the one FIFO of
    /// the step; with races it goes on its channel, the CVCT's relay
    /// folded in (what the CVCT relays as nothing is not sent).
    private var sends: String {
        if raceWidth == nil {
            return """
                #define SEND_LOGIN_REQUEST(a, x) pending!login_request, a, x, 0
                #define SEND_DROP_REQUEST(s, x) pending!drop_request, s, x, 0
                #define SEND_LOGOUT_REQUEST(a, x) pending!logout_request, a, x, 0
                #define SEND_LAUNCH(s, v, m) pending!launch, s, v, m
                #define SEND_LOGGED_IN(a, x) pending!logged_in, a, x, 0
                #define SEND_LOGIN_DENIED(a, x, c) skip   /* the ICM's I3 changes nothing */
                #define SEND_ANSWERED(s, x) pending!progress_answered, s, x, 0
                #define SEND_DROPPED_BY_PHONE(s, x) pending!progress_dropped_by_phone, s, x, 0
                #define SEND_LOGGED_OUT_BY_PHONE(a, x) pending!logged_out_by_phone, a, x, 0


                """
        }
        return """
            #define SEND_LOGIN_REQUEST(a, x) cvct_ecs!asai_login, a, x, 0
            #define SEND_DROP_REQUEST(s, x) cvct_ecs!asai_drop, s, x, 0
            #define SEND_LOGOUT_REQUEST(a, x) cvct_ecs!asai_logout, a, x, 0
            #define SEND_LAUNCH(s, v, m) icm_ecs!launch, s, v, m
            #define SEND_LOGGED_IN(a, x) cvct_icm!login_confirmed, a, x, 0
            #define SEND_LOGIN_DENIED(a, x, c) cvct_icm!login_denied, a, x, c
            #define SEND_ANSWERED(s, x) cvct_icm!answered, s, x, 0
            #define SEND_DROPPED_BY_PHONE(s, x) cvct_icm!dropped, s, 0, 0
            #define SEND_LOGGED_OUT_BY_PHONE(a, x) cvct_icm!agent_logged_out, a, x, 0


            """
    }

    /// The serial semantics: the CVCT, the one FIFO, a step, the environment.
    private var serial: String {
        """
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

        /* Each message in the order sent, to its role, until nothing is left. (A guard spans one line: spin
           does not take an operator at the start of a line inside an inline.) */
        inline propagate() {
          do :: nempty(pending) ->
                pending?kind, m1, m2, m3;
                if :: (kind == login || kind == logout || kind == release || kind == session_request || kind == login_confirmed || kind == answered || kind == dropped || kind == agent_logged_out) -> icm_receive()
                   :: (kind == login_request || kind == drop_request || kind == logout_request || kind == logged_in || kind == progress_answered || kind == progress_dropped_by_phone || kind == logged_out_by_phone) -> cvct_receive()
                   :: else -> ecs_receive()
                fi
             :: empty(pending) -> break
          od
        }


        /* A stimulus with its whole propagation. In core, a stimulus that would enter an unspecified situation
           is not offered (the guards of the environment's options); the assertion holds the guards to it.
           `spin -t` prints each stimulus taken as STIMULUS <its number in verify's alphabet>, for verify --import-trail. */
        inline step() {
          unspecified = 0;
          pending!stimulus, s1, s2, s3;
          propagate();
          assert(!(CORE && unspecified));
          requested = requested + fresh;
          printf("STIMULUS %d\\n", number);
          check()
        }


        """ + serialEnvironment
    }

    /// The asynchronous semantics: a process per role that keeps state, a
    /// FIFO channel per pair of roles, the environment racing.
    private func racing(width: Int) -> String {
        let capacity = 3 * width + 2
        return """
            #define W \(width)
            chan browser_icm = [W] of { mtype, byte, byte, byte };
            chan customer_icm = [W] of { mtype, byte, byte, byte };
            chan cvct_icm = [\(capacity)] of { mtype, byte, byte, byte };
            chan phone_ecs = [W] of { mtype, byte, byte, byte };
            chan icm_ecs = [\(capacity)] of { mtype, byte, byte, byte };
            chan cvct_ecs = [\(capacity)] of { mtype, byte, byte, byte };
            byte racing;   /* stimuli sent since the system was last quiescent */

            /* After each delivery: when nothing is in flight, the system is quiescent again. */
            inline settle() {
              n = len(browser_icm) + len(customer_icm) + len(cvct_icm) + len(phone_ecs) + len(icm_ecs) + len(cvct_ecs);
              if :: n == 0 -> racing = 0; check()
                 :: n > 0 -> skip
              fi
            }

            active proctype icm() {
              do
              :: d_step { browser_icm?kind, m1, m2, m3; icm_receive(); settle() }
              :: d_step { customer_icm?kind, m1, m2, m3; icm_receive(); settle() }
              :: d_step { cvct_icm?kind, m1, m2, m3; icm_receive(); settle() }
              od
            }

            active proctype ecs() {
              do
              :: d_step { phone_ecs?kind, m1, m2, m3; ecs_receive(); settle() }
              :: d_step { icm_ecs?kind, m1, m2, m3; ecs_receive(); settle() }
              :: d_step { cvct_ecs?kind, m1, m2, m3; ecs_receive(); settle() }
              od
            }


            """ + environment(then: """
                  d_step {
                    if :: stimulus == session_request -> customer_icm!stimulus, s1, s2, s3
                       :: stimulus == answer || stimulus == hangup || stimulus == logout_feature -> phone_ecs!stimulus, s1, s2, s3
                       :: else -> browser_icm!stimulus, s1, s2, s3
                    fi;
                    racing++; requested = requested + fresh
                  }
            """, guard: "racing < W -> ")
    }

    private var serialEnvironment: String {
        environment(then: "       d_step { step() }\n", guard: "")
    }

    /// The environment: a choice among verify's stimuli, then `then`, in
    /// one atomic sequence.
    private func environment(then: String, guard first: String) -> String {
        // One option per stimulus of verify's alphabet, in its order, so a
        // trail's STIMULUS numbers are the alphabet's.
        let alphabet = VerifyAlphabet(universe: universe, profile: profile)
        var options: [String] = []
        for (number, stimulus) in alphabet.stimuli.enumerated() {
            let choice = "\(promelaArguments(stimulus)); number = \(number)"
            let comment = "  /* \(stimulus.description) */"
            let allowed = profile == .core ? coreGuard(stimulus).map { $0 + " && " } ?? "" : ""
            if let session = alphabet.requestOf[number] {
                options.append("\(allowed)requested == \(session) -> \(choice); fresh = 1" + comment)
                if profile == .extended { options.append("requested > \(session) -> \(choice); fresh = 0" + comment) }
            } else if let session = alphabet.releaseOf[number] {
                options.append("\(allowed)requested > \(session) -> \(choice); fresh = 0" + comment)
            } else if let guardText = profile == .core ? coreGuard(stimulus) : nil {
                options.append("\(guardText) -> \(choice); fresh = 0" + comment)
            } else {
                options.append("\(choice); fresh = 0" + comment)
            }
        }
        // The choice and the step are one atomic sequence: pan stores no
        // state between them, and the step's code is written once.
        return """
            /* The environment: browsers, customers and phones. */
            active proctype environment() {
              do
              :: atomic {
                   \(first)if
            \(options.map { "       :: " + $0 }.joined(separator: "\n"))
                   fi;
            \(then)     }
              od
            }

            """
    }

    /// In `core`, when a stimulus is offered: never where it would enter an
    /// unspecified situation (serially, from a quiescent state): a browser
    /// logout of an agent with a session or whose phone rings (EXT-5,
    /// EXT-2), the logout feature at a busy station (EXT-4). verify finds
    /// the same by trying; `step`'s assertion holds the two together.
    private func coreGuard(_ stimulus: Message) -> String? {
        switch stimulus.type {
        case .logout:
            guard let agent = universe.agentIDs.firstIndex(of: stimulus[.agent]) else { return nil }
            return "(icm_session[\(agent)] == 0 && ecs_status[\(agent)] < ALERTING)"
        case .logoutFeature:
            guard let station = universe.stationIDs.firstIndex(of: stimulus[.extension]) else { return nil }
            let idle = (0...universe.agents).map { "(ecs_status[\($0)] < ALERTING || ecs_station[\($0)] != \(station + 1))" }
            return "(" + idle.joined(separator: " && ") + ")"
        default:
            return nil
        }
    }

    /// A stimulus as the environment sets it for `step`: its type and up
    /// to three numbers (indices into the universe, media and buttons from 1).
    private func promelaArguments(_ stimulus: Message) -> String {
        // An id not in the universe (the unknown agent, station or VDN) is
        // the number after the last administered one.
        func index(_ id: String, in ids: [String]) -> Int { ids.firstIndex(of: id) ?? ids.count }
        let agent = index(stimulus[.agent], in: universe.agentIDs)
        let station = index(stimulus[.extension], in: universe.stationIDs)
        let session = index(stimulus[.session], in: universe.sessionIDs)
        let vdn = index(stimulus[.vdn], in: universe.vdnNumbers)
        func set(_ type: String, _ first: Any, _ second: Any = 0, _ third: Any = 0) -> String {
            "stimulus = \(type); s1 = \(first); s2 = \(second); s3 = \(third)"
        }
        switch stimulus.type {
        case .login: return set("login", agent, station)
        case .logout: return set("logout", agent)
        case .release: return set("release", agent, session, (Button.allCases.firstIndex { $0.rawValue == stimulus[.button] } ?? -1) + 1)
        case .sessionRequest: return set("session_request", session, stimulus[.media] == Media.realtime.rawValue ? "REALTIME" : "MESSAGING", vdn)
        case .answer: return set("answer", station)
        case .hangup: return set("hangup", station)
        default: return set("logout_feature", station)
        }
    }
}
