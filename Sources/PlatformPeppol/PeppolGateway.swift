import AsyncHTTPClient
import Foundation
import HardenedXML
import Logging
import NIOCore
import PeppolAS4
import PeppolDiscovery
import Platform

/// Finds a participant's access point: SML name → DNS NAPTR → SMP → signed metadata, checked
/// against the SMP CA, and remembered for a while (found or not), so a busy sender asks DNS and
/// the SMP once per participant and document type, not once per invoice.
public final class PeppolDirectory: Sendable {
    let dns: DNSResolver
    let zone: String
    let smpTrust: AS4Trust
    let cacheLifetime: Duration
    let http: HTTPClient
    private let cache = LookupCache()

    public init(dns: DNSResolver, zone: String, smpTrust: AS4Trust, cacheLifetime: Duration = .seconds(600), http: HTTPClient = .shared) {
        self.dns = dns
        self.zone = zone
        self.smpTrust = smpTrust
        self.cacheLifetime = cacheLifetime
        self.http = http
    }

    /// The receiving access point of `participant` for `type`, from the cache or looked up.
    public func endpoint(_ participant: String, _ type: PeppolDocumentType) async throws -> ServiceEndpoint {
        let key = "\(participant.lowercased())|\(type.documentType)|\(type.process)"
        if let cached = await cache.value(for: key) { return try cached.get() }
        do {
            let endpoint = try await lookUp(participant, type)
            await cache.store(.success(endpoint), for: key, until: ContinuousClock.now + cacheLifetime)
            return endpoint
        } catch let error as DiscoveryError where [.notFound, .nameError, .smpNotFound].contains(error.code) {
            // "Not on Peppol" is remembered for a minute; a timeout or an SMP that is down is not
            // remembered at all, so the next invoice asks again.
            await cache.store(.failure(error), for: key, until: ContinuousClock.now + .seconds(60))
            throw error
        }
    }

    /// The SMP base URL the SML publishes for `participant`.
    public func smp(_ participant: ParticipantID) async throws(DiscoveryError) -> String {
        try await dns.smpURL(for: participant, zone: zone)
    }

    private func lookUp(_ participant: String, _ type: PeppolDocumentType) async throws -> ServiceEndpoint {
        guard let id = ParticipantID(participant) else {
            throw DiscoveryError(.smpNotFound, "\(participant) is not a participant id")
        }
        let smp = try await smp(id)
        let base = smp.hasSuffix("/") ? String(smp.dropLast()) : smp
        let url = base + ServiceMetadata.serviceMetadataPath(id, documentType: type.documentType)
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(20))
        } catch {
            throw DiscoveryError(.smpUnreachable, "the SMP at \(base) cannot be reached: \(error)")
        }
        guard response.status == .ok else {
            throw DiscoveryError(
                response.status == .notFound ? .smpNotFound : .smpUnreachable,
                "the SMP at \(base) answers \(response.status.code) for \(participant)")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw DiscoveryError(.smpMalformed, "the SMP's answer is larger than 1 MiB or broken off")
        }
        return try await ServiceMetadata.endpoint(
            in: Array(body.readableBytesView), participant: id, documentType: type.documentType, process: type.process, smpTrust: smpTrust)
    }
}

/// The platform's way onto the Peppol network: finds the receiver's access point through the
/// directory and sends documents there by AS4, checking the signed receipt that proves delivery.
public final class PeppolGateway: PeppolNetwork {
    let settings: PeppolSettings
    let directory: PeppolDirectory
    let http: HTTPClient
    let logger: Logger

    public init(settings: PeppolSettings, http: HTTPClient = PeppolGateway.http, logger: Logger = Logger(label: "efactuur.peppol")) {
        self.settings = settings
        self.directory = PeppolDirectory(
            dns: settings.dns, zone: settings.smlZone, smpTrust: settings.smpTrust, cacheLifetime: settings.cacheLifetime, http: http)
        self.http = http
        self.logger = logger
    }

    /// The HTTP client for other access points and SMPs. A connection that cannot be made fails
    /// the attempt at once: the outbox retries with its own back-off, and AsyncHTTPClient's
    /// retries would hold a SendDocument for the whole deadline while a receiver is down, then
    /// keep its pool backing off for a while after the receiver is back.
    public static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public func reaches(_ participant: String, _ type: PeppolDocumentType) async -> Bool {
        do {
            return try await directory.endpoint(participant, type).isActive(at: Date())
        } catch {
            logger.info("not reachable over Peppol", metadata: ["participant": "\(participant)", "reason": "\(error)"])
            return false
        }
    }

    public func deliver(_ document: StoredDocument, to participant: String) async throws -> PeppolDeliveryProof {
        let facts = try PayloadFacts(document.payload)
        let type = facts.type
        let endpoint = try await directory.endpoint(participant, type)
        guard endpoint.isActive(at: Date()) else {
            throw PeppolDeliveryError(
                isPermanent: false, publicReason: "het Peppol-accesspoint van de ontvanger is (nog) niet actief", detail: "endpoint not active")
        }
        do {
            try await settings.accessPointTrust.check(endpoint.certificate)
        } catch {
            throw PeppolDeliveryError(
                isPermanent: false, publicReason: "het certificaat van het Peppol-accesspoint van de ontvanger is niet geldig",
                detail: "\(error)")
        }
        let messageID = settings.identity.messageID(for: "\(document.externalID).\(document.revision)")
        let header = UserMessage(
            messageID: messageID, fromParty: settings.identity.partyID, toParty: "", process: type.process,
            documentType: type.documentType, originalSender: facts.sender ?? document.senderPartyID,
            finalRecipient: participant)
        let sbd = try BusinessDocumentHeader(
            sender: header.originalSender, receiver: participant, documentType: type.documentType, process: type.process,
            countryC1: facts.senderCountry ?? "NL", standard: String(type.rootElement.namespace), type: String(type.rootElement.name)
        ).wrapping(document.payload.utf8)
        let message = try AS4Outbound.userMessage(header, businessDocument: sbd, from: settings.identity, to: endpoint.certificate)

        var request = HTTPClientRequest(url: endpoint.address)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: message.contentType)
        request.headers.add(name: "MIME-Version", value: "1.0")
        request.body = .bytes(ByteBuffer(bytes: message.body))
        // A large document must have time to go up.
        let deadline = NIODeadline.now() + .seconds(15) + .seconds(Int64(message.body.count / (512 * 1024)))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, deadline: deadline)
        } catch {
            throw PeppolDeliveryError(
                isPermanent: false, publicReason: "het Peppol-accesspoint van de ontvanger is niet bereikbaar", detail: "\(error)")
        }
        let answer = try await response.body.collect(upTo: 4 << 20)
        let contentType = response.headers.first(name: "Content-Type") ?? "application/soap+xml"
        do {
            try await AS4Signal.checkReceipt(
                body: Array(answer.readableBytesView), contentType: contentType, for: message, trust: settings.accessPointTrust)
        } catch {
            // An ebMS error from the receiver is its final word on this message; anything else
            // (a proxy's error page, a receipt that does not hold) may pass on a later attempt.
            let refused = error.code != .failedAuthentication && response.status == .ok
            throw PeppolDeliveryError(
                isPermanent: refused && error.peppolCode == "PEPPOL:NOT_SERVICED",
                publicReason: refused
                    ? "het Peppol-accesspoint van de ontvanger weigerde het document: \(error.detail)"
                    : "het Peppol-accesspoint van de ontvanger gaf geen geldig ontvangstbewijs",
                detail: "HTTP \(response.status.code): \(error)")
        }
        return PeppolDeliveryProof(messageID: messageID, receipt: Array(answer.readableBytesView))
    }
}

/// A delivery over Peppol that did not happen, with what the sender may read of it.
struct PeppolDeliveryError: OutsideDeliveryFailure, CustomStringConvertible {
    var isPermanent: Bool
    var publicReason: String
    var detail: String
    var description: String { detail }
}

/// Lookups remembered until they expire, found or not, so a busy sender asks DNS and the SMP
/// once per participant and document type, not once per invoice.
actor LookupCache {
    private var entries: [String: (result: Result<ServiceEndpoint, any Error>, until: ContinuousClock.Instant)] = [:]

    func value(for key: String) -> Result<ServiceEndpoint, any Error>? {
        guard let entry = entries[key] else { return nil }
        guard entry.until > ContinuousClock.now else {
            entries[key] = nil
            return nil
        }
        return entry.result
    }

    func store(_ result: Result<ServiceEndpoint, any Error>, for key: String, until: ContinuousClock.Instant) {
        if entries.count > 10_000 { entries.removeAll() }  // bounded: a flood of lookups cannot grow it without end
        entries[key] = (result, until)
    }
}

/// What the AS4 envelope says about a stored payload, read from it again (a retry knows only what
/// was stored): the document type and process, and the seller as Peppol participant and country.
/// Read as a stream, keeping only these values: a 100 MiB invoice is not made into a tree here.
struct PayloadFacts {
    var type: PeppolDocumentType
    var sender: String?
    var senderCountry: String?

    init(_ payload: String) throws {
        let sink = FactsSink()
        try XMLReader().read(payload.utf8, into: sink)
        type = PeppolDocumentType(
            rootNamespace: sink.root.namespace, rootName: sink.root.localName, customizationID: sink.values["CustomizationID"],
            profileID: sink.values["ProfileID"])
        // The seller of an invoice, the sender of an Invoice Response.
        if let scheme = sink.endpointScheme,
            let value = sink.values["AccountingSupplierParty/Party/EndpointID"] ?? sink.values["SenderParty/EndpointID"]
        {
            sender = "\(scheme):\(value)"
        }
        senderCountry = sink.values["AccountingSupplierParty/Party/PostalAddress/Country/IdentificationCode"]
    }

    /// Keeps the wanted values and stops at the end of the seller (or sender) party: everything
    /// wanted comes before it, so the invoice's lines are not read.
    private final class FactsSink: XMLElementSink {
        static let wanted: Set<String> = [
            "CustomizationID", "ProfileID", "AccountingSupplierParty/Party/EndpointID", "SenderParty/EndpointID",
            "AccountingSupplierParty/Party/PostalAddress/Country/IdentificationCode",
        ]
        static let parties: Set<String> = ["AccountingSupplierParty", "SenderParty"]
        var root = XMLName("", "")
        /// The names below the root down to the open element.
        var path: [String] = []
        var values: [String: String] = [:]
        var endpointScheme: String?
        private(set) var hasEnough = false

        func start(name: String, namespace: String, attributes: [XMLAttribute], line: Int) {
            if path.isEmpty && root.localName.isEmpty {
                root = XMLName(namespace, name)
                return
            }
            path.append(name)
            if name == "EndpointID",
                (path.count == 3 && path[0] == "AccountingSupplierParty" && path[1] == "Party")
                    || (path.count == 2 && path[0] == "SenderParty")
            {
                endpointScheme = attributes.first { $0.name == "schemeID" }?.value
            }
        }

        func end(text: String) {
            guard let name = path.popLast() else { return }  // the root
            if path.isEmpty, Self.parties.contains(name) {
                hasEnough = true
            } else if path.count < 5, path.isEmpty || Self.parties.contains(path[0]) {
                // The wanted values are at most five levels down, under the root or a party.
                let key = (path + [name]).joined(separator: "/")
                if Self.wanted.contains(key), values[key] == nil { values[key] = text.trimmingXMLWhitespace }
            }
        }
    }
}
