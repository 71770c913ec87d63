import Foundation
import Synchronization

/// Failed logins counted per App Key and per client address over a sliding minute. Past the
/// limit a login is not even checked: the caller is told how long to wait. Nothing is locked for
/// good, so an attacker who fails on purpose costs the key's owner at most a minute's wait, and
/// only from the addresses that failed (the owner's own address keeps its own budget for the key).
public final class LoginThrottle: Sendable {
    public struct Limits: Sendable {
        /// Failures allowed from one address (for any key) within `window`.
        public var perAddress: Int
        /// Failures allowed for one App Key from one address within `window`.
        public var perKeyAndAddress: Int
        /// Failures allowed for one App Key from all addresses together within `window`; beyond it
        /// only an address that has not failed for the key may still try it.
        public var perKey: Int
        public var window: TimeInterval

        public init(perAddress: Int = 20, perKeyAndAddress: Int = 5, perKey: Int = 100, window: TimeInterval = 60) {
            self.perAddress = perAddress
            self.perKeyAndAddress = perKeyAndAddress
            self.perKey = perKey
            self.window = window
        }
    }

    private struct State {
        var failures: [String: [Date]] = [:]
        var lastSweep = Date.distantPast
    }

    public let limits: Limits
    private let state = Mutex(State())
    /// Keys kept at most; beyond it the oldest entries go first (an attacker cycling addresses
    /// cannot grow this without bound).
    private let maxEntries = 100_000

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Seconds to wait before `appKey` may be tried from `address`, nil when it may be tried now.
    func wait(appKey: String, address: String, now: Date) -> Int? {
        let appKey = Self.bounded(appKey)
        return state.withLock { state in
            let keyFailures = recent(state.failures["key|" + appKey], now)
            let pairFailures = recent(state.failures["pair|" + appKey + "|" + address], now)
            let checks: [([Date], Int)] = [
                (recent(state.failures["address|" + address], now), limits.perAddress),
                (pairFailures, limits.perKeyAndAddress),
                // Past the key's overall budget, only addresses without failures for it may try.
                (pairFailures.isEmpty ? [] : keyFailures, limits.perKey),
            ]
            var wait: TimeInterval?
            for (failures, limit) in checks where failures.count >= limit {
                let free = failures[failures.count - limit].addingTimeInterval(limits.window).timeIntervalSince(now)
                wait = max(wait ?? 0, free)
            }
            return wait.map { max(1, Int($0.rounded(.up))) }
        }
    }

    /// Checks and counts an attempt in one step, before the credentials are looked at: nil when
    /// it may go ahead (it is then counted as failed until ``succeeded(appKey:address:now:)``),
    /// else the seconds to wait. Attempts sent at once cannot all pass the check before any is
    /// counted, so the limit holds, and so does the work an attacker can make the checks do.
    func admit(appKey: String, address: String, now: Date) -> Int? {
        if let wait = wait(appKey: appKey, address: address, now: now) { return wait }
        failed(appKey: appKey, address: address, now: now)
        return nil
    }

    /// Takes back the attempt ``admit(appKey:address:now:)`` counted, when it succeeded.
    func succeeded(appKey: String, address: String, now: Date) {
        let appKey = Self.bounded(appKey)
        state.withLock { state in
            for key in ["key|" + appKey, "pair|" + appKey + "|" + address, "address|" + address] {
                if let index = state.failures[key]?.lastIndex(of: now) { state.failures[key]?.remove(at: index) }
            }
        }
    }

    /// Records a failed login.
    func failed(appKey: String, address: String, now: Date) {
        let appKey = Self.bounded(appKey)
        state.withLock { state in
            for key in ["key|" + appKey, "pair|" + appKey + "|" + address, "address|" + address] {
                var failures = recent(state.failures[key], now)
                failures.append(now)
                // Only the newest failures up to the largest limit matter.
                if failures.count > limits.perKey { failures.removeFirst(failures.count - limits.perKey) }
                state.failures[key] = failures
            }
            if now.timeIntervalSince(state.lastSweep) > limits.window || state.failures.count > maxEntries {
                state.failures = state.failures.filter { !recent($0.value, now).isEmpty }
                state.lastSweep = now
                if state.failures.count > maxEntries {
                    let newest = state.failures.sorted { ($0.value.last ?? .distantPast) > ($1.value.last ?? .distantPast) }
                    state.failures = Dictionary(uniqueKeysWithValues: newest.prefix(maxEntries / 2).map { ($0.key, $0.value) })
                }
            }
        }
    }

    /// A key as the caller sent it may be megabytes long; App Keys are 32 characters, so the first
    /// 64 bytes tell them apart and keep what is stored per failure small.
    private static func bounded(_ appKey: String) -> String {
        String(decoding: appKey.utf8.prefix(64), as: UTF8.self)
    }

    private func recent(_ failures: [Date]?, _ now: Date) -> [Date] {
        guard let failures else { return [] }
        let cutoff = now.addingTimeInterval(-limits.window)
        guard let first = failures.firstIndex(where: { $0 > cutoff }) else { return [] }
        return Array(failures[first...])
    }
}
