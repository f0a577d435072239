import Foundation
import Logging
import Metrics
import SkiffModel
import SkiffPlan
import SkiffRouterAPI
import SkiffSource

/// The GitOps loop of one site: fetch → validate → plan → apply, on an interval and whenever the
/// webhook fires. A commit that does not validate is reported and never applied: the site keeps
/// running the last good commit, and drift against it is still corrected every cycle.
public final class Daemon: @unchecked Sendable {
    public let options: DaemonOptions
    let logger: Logger
    private let lock = NSLock()
    private var state = DaemonState()
    private var lastGood: DesiredState?
    private let wake = DispatchSemaphore(value: 0)
    private var stopped = false

    private let duration = Metrics.Timer(label: "skiff_reconcile_duration_seconds", preferredDisplayUnit: .seconds)
    private let drift = Counter(label: "skiff_drift_corrections_total")

    public init(options: DaemonOptions, logger: Logger = Logger(label: "skiff.daemon")) {
        self.options = options
        self.logger = logger
    }

    public var snapshot: DaemonState { lock.withLock { state } }

    /// Runs cycles until `stop()`.
    public func run() {
        Thread { [self] in watchRouter() }.start()
        while !lock.withLock({ stopped }) {
            let delay = cycle()
            _ = wake.wait(timeout: .now() + delay)
        }
    }

    /// Watches the site's router between cycles. When its process ends, how it ended is logged
    /// and recorded, and a cycle starts at once — which starts it again — rather than at the next
    /// interval. Checking reaps it too: a router this daemon started never lingers as a zombie.
    private func watchRouter() {
        let supervisor = RouterSupervisor(stateDirectory: options.stateDirectory)
        // The pid file outlives a router killed outright (each dead pid is reported once); one
        // that stopped by itself removed it, so the last live pid seen is checked too.
        var reported: Int32?
        var seen: Int32?
        while !lock.withLock({ stopped }) {
            let current = supervisor.pid
            if let current, RouterSupervisor.isAlive(current) { seen = current }
            if let pid = current ?? seen, pid != reported, !RouterSupervisor.isAlive(pid) {
                reported = pid
                let how = ProcessReaper.exit(of: pid) ?? "ended (not started by this daemon, so how is unknown)"
                logger.error("router exited; starting it again", metadata: ["pid": "\(pid)", "exit": "\(how)"])
                let at = ISO8601DateFormatter().string(from: Date())
                lock.withLock { state.lastRouterExit = "pid \(pid) \(how) at \(at)" }
                trigger()
            }
            usleep(200_000)
        }
    }

    /// Asks for a cycle now (the webhook).
    public func trigger() { wake.signal() }

    public func stop() {
        lock.withLock { stopped = true }
        wake.signal()
    }

    /// What `reconcile` came to, with the error lines that explain it.
    struct Outcome {
        var result: DaemonResult
        var errors: [String] = []
        /// Actions planned and not applied (the site blocked it, or applying failed).
        var pending: [String] = []
        /// Actions applied.
        var changes = 0
    }

    /// One cycle; returns the seconds to wait before the next.
    @discardableResult
    public func cycle() -> Double {
        let started = Date()
        let outcome: Outcome
        do {
            outcome = try reconcile()
        } catch {
            outcome = Outcome(result: .failed, errors: ["\(error)"])
            logger.error("reconcile failed", metadata: ["site": "\(options.site)", "error": "\(error)"])
        }
        let seconds = Date().timeIntervalSince(started)
        duration.recordNanoseconds(Int64(seconds * 1e9))
        Counter(label: "skiff_reconcile_total", dimensions: [("result", outcome.result.rawValue)]).increment()
        let (delay, record) = lock.withLock { () -> (Double, DaemonState) in
            state.cycles += 1
            state.lastCycleAt = started
            state.lastCycleSeconds = seconds
            state.settle(outcome.result, errors: outcome.errors, pending: outcome.pending, changes: outcome.changes, at: started)
            state.pid = getpid()
            return (nextDelay(), state)
        }
        do {
            try record.write(to: options.stateDirectory)
        } catch {
            logger.warning("cannot record the daemon's state", metadata: ["error": "\(error)"])
        }
        GitOpsReporting.send(GitOpsReporting.daemonReport(record, stateDirectory: options.stateDirectory), stateDirectory: options.stateDirectory)
        return delay
    }

    /// The interval with ±10% jitter; after failures, exponential backoff from 1 s up to the
    /// interval. A stalled site waits the whole interval: retrying sooner cannot help it.
    private func nextDelay() -> Double {
        if state.consecutiveFailures > 0 {
            return min(options.interval, pow(2, Double(state.consecutiveFailures - 1)))
        }
        return options.interval * Double.random(in: 0.9...1.1)
    }

    private func reconcile() throws -> Outcome {
        let head = try DesiredState.read(options.source)
        lock.withLock { state.headCommit = head.snapshot.commit?.id }
        var target = head
        var outcome = Outcome(result: .applied)
        let errors = head.errors(blocking: options.site)
        if let refusal = options.verifyCommit?(head.snapshot) {
            Counter(label: "skiff_untrusted_commits_total").increment()
            logger.warning("commit is not signed by a trusted key; keeping the last good one",
                           metadata: ["commit": "\(head.snapshot.commit?.shortID ?? "?")", "error": "\(refusal)"])
            outcome = Outcome(result: .untrusted, errors: [refusal])
            guard let good = try lastGoodState() else { return outcome }
            target = good
        } else if head.network.sites[options.site] == nil || !errors.isEmpty {
            let lines = errors.isEmpty ? ["site \(options.site) is not in \(head.snapshot.summary)"] : errors.map(\.description)
            Counter(label: "skiff_invalid_commits_total").increment()
            logger.warning("commit does not validate; keeping the last good one",
                           metadata: ["commit": "\(head.snapshot.commit?.shortID ?? "?")", "error": "\(lines[0])"])
            outcome = Outcome(result: .invalid, errors: lines)
            guard let good = try lastGoodState() else { return outcome }
            target = good
        } else {
            lock.withLock { lastGood = head }
        }
        let report = try SitePlanning.plan(site: options.site, desired: target, stateDirectory: options.stateDirectory,
                                           hostname: ProcessInfo.processInfo.hostName, now: Date())
        guard let plan = report.plan, report.canApply else {
            // The site itself blocks it (a damaged CA): a person must act; retrying cannot help.
            let lines = report.blockingErrors.map(\.description)
            logger.error("the site cannot apply", metadata: ["error": "\(lines.first ?? "?")"])
            let pending = report.plan.map(Self.actionLines) ?? []
            return outcome.result.isStalled ? outcome : Outcome(result: .blocked, errors: lines, pending: pending)
        }
        if plan.hasChanges {
            let run = try ApplyRun.execute(report, routerExecutable: options.routerExecutable)
            let drifted = plan.actions.filter(\.reason.correctsDrift).count
            if drifted > 0 { drift.increment(by: drifted) }
            let commit = target.snapshot.commit?.shortID ?? "folder"
            // Each action with its reason, as plan prints it: `+ create Listener/api (added in git)`.
            for action in plan.actions {
                logger.info("applied action", metadata: ["commit": "\(commit)", "action": "\(ActionText.lines(action, indent: "").first ?? "\(action)")"])
            }
            logger.info("applied", metadata: ["commit": "\(commit)", "actions": "\(plan.actions.count)"])
            // What the router could not bind (or a plan that did not converge) is not applied:
            // retried with backoff, each retry pushing the configuration again.
            if let failure = run.failure, outcome.result == .applied {
                lock.withLock { state.goodCommit = target.snapshot.commit?.id }
                return Outcome(result: .failed, errors: run.bindFailures.isEmpty ? [failure] : run.bindFailures,
                               pending: run.applied.followUp.map(Self.actionLines) ?? [], changes: plan.actions.count)
            }
            outcome.changes = plan.actions.count
        } else if outcome.result == .applied {
            outcome.result = .unchanged
        }
        lock.withLock { state.goodCommit = target.snapshot.commit?.id }
        Gauge(label: "skiff_applied_commit_info", dimensions: [("commit", target.snapshot.commit?.shortID ?? "folder")]).record(1)
        recordRouterMetrics()
        return outcome
    }

    /// A plan's actions as `plan` prints them, one line each.
    static func actionLines(_ plan: Plan) -> [String] {
        plan.actions.compactMap { ActionText.lines($0, indent: "").first }
    }

    /// Link state, bytes and flows per link, listener and connector, from the router's own status.
    private func recordRouterMetrics() {
        guard let status = try? RouterSupervisor(stateDirectory: options.stateDirectory).client.status() else {
            Gauge(label: "skiff_router_up").record(0)
            return
        }
        Gauge(label: "skiff_router_up").record(1)
        for link in status.links {
            let labels = [("link", link.name ?? "incoming"), ("peer", link.peerSite ?? "unknown")]
            Gauge(label: "skiff_link_up", dimensions: labels).record(link.state == .up ? 1 : 0)
            Gauge(label: "skiff_link_open_flows", dimensions: labels).record(link.openFlows)
            Gauge(label: "skiff_link_bytes_in", dimensions: labels).record(link.bytesIn)
            Gauge(label: "skiff_link_bytes_out", dimensions: labels).record(link.bytesOut)
        }
        for listener in status.listeners {
            let labels = [("listener", listener.name), ("routing_key", listener.routingKey)]
            Gauge(label: "skiff_listener_open_flows", dimensions: labels).record(listener.openFlows)
            Gauge(label: "skiff_listener_flows", dimensions: labels).record(listener.totalFlows)
            Gauge(label: "skiff_listener_bytes_in", dimensions: labels).record(listener.bytesIn)
            Gauge(label: "skiff_listener_bytes_out", dimensions: labels).record(listener.bytesOut)
        }
        for connector in status.connectors {
            let labels = [("connector", connector.name), ("routing_key", connector.routingKey)]
            Gauge(label: "skiff_connector_reachable", dimensions: labels).record(connector.reachable ? 1 : 0)
            Gauge(label: "skiff_connector_open_flows", dimensions: labels).record(connector.openFlows)
            Gauge(label: "skiff_connector_flows", dimensions: labels).record(connector.totalFlows)
            Gauge(label: "skiff_connector_bytes_in", dimensions: labels).record(connector.bytesIn)
            Gauge(label: "skiff_connector_bytes_out", dimensions: labels).record(connector.bytesOut)
        }
        if let routing = status.routing {
            Gauge(label: "skiff_routes").record(routing.routes.count)
            Gauge(label: "skiff_transit_open_flows").record(routing.transitFlows)
            Gauge(label: "skiff_link_state_messages_sent").record(routing.linkStateSent)
            Gauge(label: "skiff_link_state_messages_received").record(routing.linkStateReceived)
        }
        if let memory = status.memory {
            Gauge(label: "skiff_router_resident_bytes").record(memory.residentBytes)
            if let heap = memory.heapInUseBytes { Gauge(label: "skiff_router_heap_in_use_bytes").record(heap) }
        }
        if let buffers = status.buffers {
            Gauge(label: "skiff_router_buffered_bytes").record(buffers.reserved)
        }
        for grant in status.grantServer?.grants ?? [] {
            let labels = [("grant", grant.name)]
            Gauge(label: "skiff_grant_redemptions", dimensions: labels).record(grant.redemptions)
            Gauge(label: "skiff_grant_redemptions_allowed", dimensions: labels).record(grant.redemptionsAllowed)
            Gauge(label: "skiff_grant_open", dimensions: labels).record(grant.state == .open ? 1 : 0)
        }
    }

    /// The last commit that validated: from this run, or (after a restart) the commit the record says was applied.
    private func lastGoodState() throws -> DesiredState? {
        if let good = lock.withLock({ lastGood }) { return good }
        guard let commit = try AppliedRecord.load(from: options.stateDirectory)?.commit else { return nil }
        var request = options.source
        request.revision = commit
        let good = try DesiredState.read(request)
        lock.withLock { lastGood = good }
        return good
    }
}
