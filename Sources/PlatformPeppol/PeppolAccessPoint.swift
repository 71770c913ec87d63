import EInvoice
import EInvoiceRules
import Foundation
import Logging
import PeppolAS4
import PeppolDiscovery
import Platform
import X509

/// The platform's Peppol access point and SMP, as the HTTP front end calls them: `POST /as4`
/// receives a user message and answers with its signed receipt or an ebMS error; `GET /smp/…`
/// publishes, signed, which document types each organisation receives here.
public struct PeppolAccessPoint: Sendable {
    public let settings: PeppolSettings
    public let platform: PlatformService
    let logger: Logger
    /// Who may answer with an Invoice Response: the access point the responder's SMP names.
    let directory: PeppolDirectory
    private let published = PublishedMetadata()

    public init(settings: PeppolSettings, platform: PlatformService, logger: Logger = Logger(label: "efactuur.peppol")) {
        self.settings = settings
        self.platform = platform
        self.logger = logger
        directory = PeppolDirectory(
            dns: settings.dns, zone: settings.smlZone, smpTrust: settings.smpTrust, cacheLifetime: settings.cacheLifetime)
    }

    /// An HTTP answer.
    public struct Answer: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
    }

    // MARK: AS4

    /// Receives one AS4 message. Every refusal is an ebMS error signal (HTTP 200, as the profile
    /// answers them); only a failure to store what was accepted is a 503, so the sender tries again.
    public func receive(body: [UInt8], contentType: String) async -> Answer {
        let inbound = AS4Inbound(identity: settings.identity, trust: settings.accessPointTrust, limits: settings.limits)
        // Read again only for a refusal, which names the message it refuses.
        var messageID: String? { AS4Inbound.messageID(body: body, contentType: contentType) }
        do {
            // The business document is read for the validator as the SBD is read.
            let reading = Validator.DocumentReading()
            var received = try await inbound.open(body: body, contentType: contentType, documentInto: reading)
            guard let payload = String(validating: received.document, as: UTF8.self) else {
                throw AS4Error(.invalidHeader, "the business document is not UTF-8")
            }
            received.document = []  // the String holds it now; one copy of a large document is enough
            // Participant ids have a four-digit scheme: none can pass for an organisation of ours.
            guard let sender = ParticipantID(received.businessHeader.sender), ParticipantID(received.businessHeader.receiver) != nil else {
                throw AS4Error(.invalidHeader, "the SBDH sender and receiver must be participant ids such as 0106:12345678")
            }
            if PlatformService.rootLocalName(payload) == "ApplicationResponse" {
                try await checkResponder(sender, signer: received.signer)
            }
            let receipt = try AS4Signal.receipt(for: received, from: settings.identity)
            let record: PeppolMessageRecord
            do {
                record = try await platform.receiveFromPeppol(
                    payload: payload, document: reading.document(), from: sender.description, to: received.businessHeader.receiver,
                    messageID: received.header.messageID, receipt: receipt)
            } catch let error as PlatformError where error.code == .receiverUnreachable {
                throw AS4Error.notServiced(error.subject)
            } catch let error as PlatformError {
                throw AS4Error(.other, "the document is not accepted: \(error.message)", peppolCode: error.code.rawValue)
            }
            // A MessageId seen before from someone else is not this message's: no other party's
            // receipt is handed out, and nothing is delivered.
            if record.receipt != receipt, record.direction != .received || record.participant.lowercased() != sender.description.lowercased() {
                throw AS4Error(.other, "the MessageId \(received.header.messageID) was already used by another message")
            }
            logger.info(
                "received over Peppol",
                metadata: [
                    "messageId": "\(received.header.messageID)", "from": "\(received.header.fromParty)",
                    "externalId": "\(record.externalID)", "duplicate": "\(record.receipt != receipt)",
                ])
            return Answer(status: 200, contentType: "application/soap+xml;charset=UTF-8", body: record.receipt)
        } catch let error as AS4Error {
            let refused = messageID
            logger.notice("refused an AS4 message", metadata: ["messageId": "\(refused ?? "-")", "error": "\(error)"])
            return errorAnswer(error, refTo: refused, status: 200)
        } catch {
            let refused = messageID
            logger.error("could not store an AS4 message", metadata: ["messageId": "\(refused ?? "-")", "error": "\(error)"])
            return errorAnswer(AS4Error(.other, "the message could not be stored; send it again later"), refTo: refused, status: 503)
        }
    }

    /// An Invoice Response changes the status of what we sent; only the access point the
    /// responder's own SMP names for Invoice Responses may send one.
    private func checkResponder(_ responder: ParticipantID, signer: Certificate) async throws(AS4Error) {
        let endpoint: ServiceEndpoint
        do {
            endpoint = try await directory.endpoint(responder.description, InvoiceResponse.documentType)
        } catch {
            throw AS4Error(.failedAuthentication, "the SMP of \(responder) names no access point for invoice responses")
        }
        guard endpoint.certificate == signer else {
            throw AS4Error(.failedAuthentication, "\(responder)'s invoice responses come from another access point")
        }
    }

    private func errorAnswer(_ error: AS4Error, refTo messageID: String?, status: Int) -> Answer {
        Answer(status: status, contentType: "application/soap+xml;charset=UTF-8", body: AS4Signal.error(error, refTo: messageID))
    }

    // MARK: SMP

    /// Answers an SMP request, `path` being what follows `/smp` (percent-encoded or not):
    /// `/iso6523-actorid-upis::0106:12345678` gives the ServiceGroup,
    /// `…/services/busdox-docid-qns::<document type>` the SignedServiceMetadata.
    public func smp(path: String) async -> Answer {
        let decoded = path.removingPercentEncoding ?? path
        let parts = decoded.dropFirst(decoded.hasPrefix("/") ? 1 : 0).components(separatedBy: "/services/")
        let notHere = Answer(status: 404, contentType: "text/plain", body: Array("no such participant here\n".utf8))
        guard parts.count <= 2, let participant = ParticipantID(parts[0]) else { return notHere }
        let organisation: Organisation?
        do {
            organisation = try await platform.findOrganisation(reference: participant.description)
        } catch {
            // The store failed: a 404 would tell the network this participant is not here.
            logger.error("SMP lookup failed", metadata: ["participant": "\(participant)", "error": "\(error)"])
            return Answer(status: 503, contentType: "text/plain", body: Array("try again later\n".utf8))
        }
        guard organisation != nil else { return notHere }
        if parts.count == 1 {
            let body = ServiceMetadata.serviceGroup(
                participant, documentTypes: PeppolDocumentType.received.map(\.documentType), baseURL: settings.publicURL + "/smp")
            return Answer(status: 200, contentType: "application/xml;charset=UTF-8", body: body)
        }
        let requested = parts[1].hasPrefix(PeppolScheme.document + "::") ? String(parts[1].dropFirst(PeppolScheme.document.count + 2)) : parts[1]
        guard let type = PeppolDocumentType.received.first(where: { $0.documentType == requested }) else {
            return Answer(status: 404, contentType: "text/plain", body: Array("this document type is not received here\n".utf8))
        }
        let endpoint = ServiceEndpoint(
            participant: participant, documentType: type.documentType, process: type.process, address: settings.publicURL + "/as4",
            certificate: settings.identity.certificate, activation: settings.identity.certificate.notValidBefore,
            expiration: settings.identity.certificate.notValidAfter, technicalContact: settings.publicURL)
        let key = "\(participant.description.lowercased())|\(type.documentType)"
        if let body = await published.value(for: key) {
            return Answer(status: 200, contentType: "application/xml;charset=UTF-8", body: body)
        }
        do {
            // Signed once per participant and document type: an SMP request costs no private-key
            // operation after the first.
            let body = try ServiceMetadata.signedServiceMetadata(endpoint, signer: settings.identity)
            await published.store(body, for: key)
            return Answer(status: 200, contentType: "application/xml;charset=UTF-8", body: body)
        } catch {
            logger.error("could not sign SMP metadata", metadata: ["error": "\(error)"])
            return Answer(status: 500, contentType: "text/plain", body: Array("the metadata could not be signed\n".utf8))
        }
    }
}

/// The signed SMP answers given so far, bounded.
actor PublishedMetadata {
    private var answers: [String: [UInt8]] = [:]

    func value(for key: String) -> [UInt8]? { answers[key] }

    func store(_ body: [UInt8], for key: String) {
        if answers.count > 10_000 { answers.removeAll() }
        answers[key] = body
    }
}
