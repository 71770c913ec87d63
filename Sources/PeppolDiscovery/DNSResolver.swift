import Foundation
import NIOCore
import NIOPosix

/// Finds a participant's SMP as the Peppol SML publishes it: a U-NAPTR record under the
/// participant's hashed name, or, for the older scheme, the `B-` name itself.
///
/// A stub resolver: it asks one recursive server (the system's by default) and takes its word,
/// as access points do; DNSSEC validation is that server's job. Over UDP, a lost datagram is
/// sent again; a truncated answer is asked for again over TCP. No EDNS, so a conforming server
/// truncates whatever does not fit in 512 bytes.
public struct DNSResolver: Sendable {
    /// The recursive server's IP address (IPv4, or IPv6).
    public var server: String
    public var port: Int
    /// How long each attempt waits for its answer (a TCP exchange gets one such wait).
    public var timeout: Duration
    /// How many times a UDP query is sent before the lookup times out.
    public var attempts: Int

    /// `server` nil: the first IPv4 `nameserver` of `/etc/resolv.conf`. The defaults for
    /// `timeout` and `attempts` are the C library's.
    public init(server: String? = nil, port: Int = 53, timeout: Duration = .seconds(5), attempts: Int = 2) {
        self.server = server ?? Self.systemServer()
        self.port = port
        self.timeout = timeout
        self.attempts = attempts
    }

    /// The first IPv4 `nameserver` in `path`, or 127.0.0.1, which the C library assumes when
    /// there is none.
    public static func systemServer(resolvConf path: String = "/etc/resolv.conf") -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "127.0.0.1" }
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.prefix { $0 != "#" && $0 != ";" }.split(whereSeparator: \.isWhitespace)
            if words.count >= 2, words[0] == "nameserver", (try? SocketAddress(ipAddress: String(words[1]), port: 53))?.protocol == .inet {
                return String(words[1])
            }
        }
        return "127.0.0.1"
    }

    /// The SMP base URL of `participant` in the SML `zone` (`SMLName.productionZone` …).
    ///
    /// The U-NAPTR record first; only when that name does not exist, the legacy `B-` name,
    /// whose CNAME or A record makes `http://B-….<zone>` the SMP URL, as that scheme had it.
    /// `dns.not-found` when neither name exists or the one that does has no SMP record.
    public func smpURL(for participant: ParticipantID, zone: String) async throws(DiscoveryError) -> String {
        let zone = zone.hasSuffix(".") ? String(zone.dropLast()) : zone
        let naptrName = try DNSName(SMLName.naptrName(participant, zone: zone))
        do throws(DiscoveryError) {
            let answer = try await query(naptrName, .naptr)
            let records = answer.records(.naptr, of: naptrName).compactMap { data -> NAPTRRecord? in
                if case .naptr(let record) = data { record } else { nil }
            }
            guard let url = try UNAPTR.smpURL(records) else {
                throw DiscoveryError(.notFound, "\(participant): \(naptrName) has no U-NAPTR record for Meta:SMP")
            }
            return url
        } catch {
            guard error.code == .nameError else { throw error }
        }
        let legacy = SMLName.legacyName(participant, zone: zone)
        let legacyName = try DNSName(legacy)
        do throws(DiscoveryError) {
            if try await !query(legacyName, .cname).records(.cname, of: legacyName).isEmpty { return "http://" + legacy }
            if try await !query(legacyName, .a).records(.a, of: legacyName).isEmpty { return "http://" + legacy }
        } catch {
            guard error.code == .nameError else { throw error }
            throw DiscoveryError(.notFound, "\(participant) is not registered in \(zone): neither \(naptrName) nor \(legacy) exists")
        }
        throw DiscoveryError(.notFound, "\(participant): \(legacy) exists but has no CNAME or A record")
    }

    /// The answer to one question: over UDP, then over TCP when the UDP answer is truncated.
    func query(_ name: DNSName, _ type: DNSType) async throws(DiscoveryError) -> DNSMessage {
        let query = DNSQuery(name, type)
        let answer = try await overUDP(query)
        guard answer.isTruncated else { return answer }
        let whole = try await overTCP(query)
        guard !whole.isTruncated else { throw .malformed("truncated even over TCP") }
        return whole
    }

    /// One UDP exchange from a fresh socket on a random port: the query is sent `attempts`
    /// times, `timeout` apart, and the first datagram from the server with the query's id is
    /// the answer. Datagrams from elsewhere or with another id are dropped (stale or forged).
    func overUDP(_ query: DNSQuery) async throws(DiscoveryError) -> DNSMessage {
        let address = try serverAddress()
        let (timeout, attempts) = (timeout, max(1, attempts))
        do {
            let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                // Room for any datagram: one cut by a small buffer would read as malformed.
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                .bind(host: address.protocol == .inet6 ? "::" : "0.0.0.0", port: 0) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                    }
                }
            return try await channel.executeThenClose { inbound, outbound in
                try await Self.first {
                    for try await envelope in inbound where envelope.remoteAddress == address {
                        let bytes = Array(envelope.data.readableBytesView)
                        guard bytes.count >= 2, UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == query.id else { continue }
                        return try query.answer(bytes)
                    }
                    throw DiscoveryError(.unreachable, "the UDP socket closed before an answer came")
                } orElse: {
                    for _ in 0..<attempts {
                        try await outbound.write(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: query.bytes)))
                        try await Task.sleep(for: timeout)
                    }
                    throw DiscoveryError(
                        .timeout, "no answer from \(server) port \(port) for \(query.question.name) \(query.question.type) (\(attempts) × \(timeout))"
                    )
                }
            }
        } catch let error as DiscoveryError {
            throw error
        } catch {
            throw DiscoveryError(.unreachable, "DNS over UDP to \(server) port \(port): \(error)")
        }
    }

    /// One TCP exchange (RFC 1035 section 4.2.2: each message behind its 2-byte length), within
    /// `timeout` from connecting to the last byte.
    func overTCP(_ query: DNSQuery) async throws(DiscoveryError) -> DNSMessage {
        let address = try serverAddress()
        let timeout = timeout
        do {
            return try await Self.first {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(TimeAmount(timeout))
                    .connect(to: address) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        }
                    }
                return try await channel.executeThenClose { inbound, outbound in
                    let bytes = query.bytes
                    var framed = ByteBuffer()
                    framed.writeInteger(UInt16(bytes.count))
                    framed.writeBytes(bytes)
                    try await outbound.write(framed)
                    var received = ByteBuffer()
                    for try await var chunk in inbound {
                        received.writeBuffer(&chunk)
                        if let length = received.getInteger(at: received.readerIndex, as: UInt16.self),
                            received.readableBytes >= 2 + Int(length)
                        {
                            return try query.answer(Array(received.readableBytesView.dropFirst(2).prefix(Int(length))))
                        }
                    }
                    throw DiscoveryError.malformed("the TCP connection closed after \(received.readableBytes) bytes, inside the answer")
                }
            } orElse: {
                try await Task.sleep(for: timeout)
                throw DiscoveryError(
                    .timeout, "no answer over TCP from \(server) port \(port) for \(query.question.name) \(query.question.type) within \(timeout)")
            }
        } catch let error as DiscoveryError {
            throw error
        } catch {
            throw DiscoveryError(.unreachable, "DNS over TCP to \(server) port \(port): \(error)")
        }
    }

    /// The answer `exchange` gets, unless `giveUp` (which waits, and throws) ends first; whichever
    /// loses is cancelled.
    private static func first(
        _ exchange: @escaping @Sendable () async throws -> DNSMessage, orElse giveUp: @escaping @Sendable () async throws -> DNSMessage
    ) async throws -> DNSMessage {
        try await withThrowingTaskGroup(of: DNSMessage.self) { group in
            group.addTask(operation: exchange)
            group.addTask(operation: giveUp)
            defer { group.cancelAll() }
            guard let answer = try await group.next() else { throw DiscoveryError(.timeout, "no answer") }
            return answer
        }
    }

    private func serverAddress() throws(DiscoveryError) -> SocketAddress {
        guard (1...65_535).contains(port), let address = try? SocketAddress(ipAddress: server, port: port) else {
            throw DiscoveryError(.unreachable, "'\(server)' port \(port) is not the IP address and port of a DNS server")
        }
        return address
    }
}

/// The U-NAPTR rule (RFC 4848) as Peppol uses it.
enum UNAPTR {
    /// The SMP base URL from the answer's NAPTR records: among those with flag `U` and service
    /// `Meta:SMP` (either case), the lowest order, then the lowest preference. Nil when none
    /// fits. The chosen record is used or refused: a bad record is not papered over by the next.
    static func smpURL(_ records: [NAPTRRecord]) throws(DiscoveryError) -> String? {
        let candidates = records.filter { $0.flags.lowercased() == "u" && $0.service.lowercased() == "meta:smp" }
        guard let best = candidates.min(by: { ($0.order, $0.preference) < ($1.order, $1.preference) }) else { return nil }
        guard best.replacement.labels.isEmpty else {
            throw DiscoveryError(.unsupportedNAPTR, "a U-NAPTR record with replacement \(best.replacement) instead of a regexp")
        }
        let url = try apply(best.regexp)
        try checkURL(url)
        return url
    }

    /// Applies a substitution expression (RFC 3402 section 3.2) to the whole string: only the
    /// `^.*$` pattern is supported, which replaces anything with the replacement, so the result
    /// is the replacement with its escapes (`\\`, `\` + delimiter) undone.
    static func apply(_ regexp: String) throws(DiscoveryError) -> String {
        func refuse(_ why: String) -> DiscoveryError {
            DiscoveryError(.unsupportedNAPTR, "the NAPTR regexp '\(regexp)' \(why); only '!^.*$!URL!' (any delimiter) is supported")
        }
        let scalars = Array(regexp.unicodeScalars)
        guard let delimiter = scalars.first, delimiter.isASCII, delimiter.value > 0x20, delimiter.value < 0x7F,
            !("0"..."9").contains(delimiter), delimiter != "\\", delimiter != "i"
        else { throw refuse("has no usable delimiter") }
        var parts: [[UnicodeScalar]] = [[]]
        var index = 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" && parts.count < 3 {
                // Kept with its escape until the part is known: the pattern must match as written.
                guard index + 1 < scalars.count else { throw refuse("ends in a lone backslash") }
                parts[parts.count - 1] += [scalar, scalars[index + 1]]
                index += 2
                continue
            }
            if scalar == delimiter && parts.count < 3 { parts.append([]) } else { parts[parts.count - 1].append(scalar) }
            index += 1
        }
        guard parts.count == 3 else { throw refuse("is not delimiter, pattern, delimiter, replacement, delimiter") }
        guard String(String.UnicodeScalarView(parts[0])) == "^.*$" else { throw refuse("has a pattern other than ^.*$") }
        guard parts[2].isEmpty || parts[2] == ["i"] else { throw refuse("has flags other than 'i'") }
        var result = String.UnicodeScalarView()
        var replacement = parts[1][...]
        while let scalar = replacement.popFirst() {
            guard scalar == "\\" else {
                result.append(scalar)
                continue
            }
            guard let escaped = replacement.popFirst(), escaped == "\\" || escaped == delimiter else {
                throw refuse("has a back-reference or an escape in its replacement, and ^.*$ has no groups")
            }
            result.append(escaped)
        }
        return String(result)
    }

    /// An http or https URL with a host, in printable ASCII.
    static func checkURL(_ url: String) throws(DiscoveryError) {
        let lowered = url.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            rest = url.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else {
            throw DiscoveryError(.invalidSMPURL, "the SMP URL '\(url)' is not an http or https URL")
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !host.hasPrefix(":"), !host.contains("@"), url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw DiscoveryError(.invalidSMPURL, "the SMP URL '\(url)' has no host, has user information, or has characters a URL cannot hold")
        }
    }
}
