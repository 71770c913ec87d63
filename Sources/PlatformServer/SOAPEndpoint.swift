import EConnectWire
import EInvoiceRules
import Foundation
import HTTPTypes
import HardenedXML
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Platform

/// The native SOAP API v3 / v3.1: reads the envelope, calls the platform, writes the answer or
/// the fault. No business rule lives here.
struct SOAPEndpoint: Sendable {
    let service: PlatformService
    let bodies: RequestBodies

    func handle(_ request: Request, context: PlatformRequestContext, endpointVersion: APIVersion) async throws -> Response {
        let soapAction = request.headers[HTTPField.Name("SOAPAction")!]
        var version = endpointVersion
        do {
            let body = try await bodies.collect(request)
            let bodySize = body.readableBytes
            defer {
                bodies.budget.release(bodySize)
                FreedMemory.release(afterRequestOf: bodySize)
            }
            // The body is let go of once read: the request holds what it needs.
            let (soap, document) = try await parse(consume body, soapAction: soapAction)
            version = soap.version
            let operation = soap.operation
            context.outcome.operation = operation.rawValue
            let answer: ResponseMessage
            if case .sendDocument = soap.body {
                // The request and its tree are let go of before the document travels.
                answer = .sendDocument(externalID: try await service.deliverFirst(try await accept(consume soap, document)).externalID)
            } else {
                answer = try await self.answer(soap, clientAddress: context.clientAddress)
            }
            return Self.xmlResponse(.ok, Envelope.response(answer, operation: operation, version: version))
        } catch let refusal as BodyRefusal {
            // The rest of the body is not read: the connection closes after this answer.
            var response = faultResponse(
                refusal.tooLarge ? .tooLarge(bodies.maxBytes) : .serverBusy, status: refusal.status, version: version,
                context: context)
            response.headers[.connection] = "close"
            if refusal.status == .serviceUnavailable { response.headers[.retryAfter] = "1" }
            return response
        } catch let fault as SOAPFault {
            return faultResponse(fault, version: version, context: context)
        } catch let error as PlatformError {
            return faultResponse(Self.fault(for: error), version: version, context: context)
        } catch let error as HTTPParserError {
            throw error  // Hummingbird answers 400 and closes the connection
        } catch {
            context.logger.error(
                "SOAP request failed: \(error)", metadata: ["requestId": "\(context.outcome.requestID)"])
            return faultResponse(.internalError, version: version, context: context)
        }
    }

    private func faultResponse(
        _ fault: SOAPFault, status: HTTPResponse.Status = .internalServerError, version: APIVersion, context: PlatformRequestContext
    ) -> Response {
        context.outcome.faultCode = fault.code.rawValue
        return Self.xmlResponse(status, Envelope.fault(fault, version: version, requestID: context.outcome.requestID))
    }

    /// Parsing is CPU work proportional to the request: a large one runs on the thread pool, so
    /// the threads that serve other connections stay free. A SendDocument's document is read
    /// for the validator in the same pass.
    private func parse(_ body: ByteBuffer, soapAction: String?) async throws -> (SOAPRequest, Validator.ReadDocument?) {
        let maxRequestBytes = bodies.maxBytes
        return try await RequestWork.run(bytes: body.readableBytes) { () throws(SOAPFault) -> ParsedRequest in
            let reading = Validator.DocumentReading()
            let soap = try SOAPRequest.parse(
                body.readableBytesView, soapAction: soapAction, limits: XMLReader.Limits(maxBytes: maxRequestBytes, maxDepth: 96),
                payloadInto: reading)
            guard case .sendDocument(let send) = soap.body, send.payloadRead else { return ParsedRequest(soap: soap, document: nil) }
            return ParsedRequest(soap: soap, document: reading.document())
        }.tuple
    }

    /// (A struct, not a tuple: Swift 6.3 crashes on a tuple from a typed-throws closure.)
    private struct ParsedRequest {
        var soap: SOAPRequest
        var document: Validator.ReadDocument?
        var tuple: (SOAPRequest, Validator.ReadDocument?) { (soap, document) }
    }

    /// A SendDocument validated, routed and stored; the request is the caller's no longer.
    private func accept(_ soap: consuming SOAPRequest, _ document: consuming Validator.ReadDocument?) async throws -> SentDocument {
        let session = try await service.session(token: soap.securityToken)
        guard case .sendDocument(let send) = soap.body else { preconditionFailure("only SendDocument is accepted") }
        return try await service.accept(
            session, via: send.via, toReference: send.toReference, toEmail: send.toEmail, templateID: send.templateID,
            payload: send.payload, document: document)
    }

    private func answer(_ soap: SOAPRequest, clientAddress: String) async throws -> ResponseMessage {
        if case .login(let key, let secret) = soap.body {
            return .login(securityToken: try await service.login(appKey: key, secret: secret, clientAddress: clientAddress))
        }
        let session = try await service.session(token: soap.securityToken)
        switch soap.body {
        case .login:
            preconditionFailure("handled above")
        case .getAccountDetails:
            return .accountDetails(
                WireAccount(
                    id: session.account.id, name: session.account.name, description: nil,
                    emailAddress: session.account.email))
        case .getAccountParties(let paging):
            let parties = try await service.accountParties(session)
            let (page, next) = try Self.page(parties, paging: paging, key: \.partyID)
            return .accountParties(page.map { Self.wireParty($0, account: session.account) }, nextPage: next)
        case .getParties(let search, let paging):
            let organisationSearch = OrganisationSearch(
                name: search.name, chamberNumber: search.chamberNumber, countryCode: search.countryCode)
            let (page, next) = try await service.searchParties(
                organisationSearch, referenceID: search.referenceID, after: paging.startPage, limit: paging.limit)
            return .parties(page.map { Self.wireParty($0, account: nil) }, nextPage: next)
        case .getParty(let reference):
            guard let organisation = try await service.findOrganisation(reference: reference) else {
                throw PlatformError.partyNotFound(reference)
            }
            return .party(Self.wireParty(organisation, account: nil))
        case .sendDocument:
            preconditionFailure("handled by handle(_:context:endpointVersion:), which lets go of the request first")
        case .listDocuments(let mailbox, let list):
            guard let box = Self.mailbox(mailbox) else {
                // Drafts: no operation of this API creates one, so the folder is empty.
                if let party = list.groupID ?? list.partyID, !session.partyIDs.contains(party) {
                    throw PlatformError.noRightToParty(party)
                }
                return .documents([], nextPage: nil)
            }
            let page = try await service.documents(
                session, box, partyID: list.groupID ?? list.partyID, filter: Self.filter(list.search),
                limit: list.paging.limit, pageToken: list.paging.startPage)
            return .documents(page.documents.map(Self.wireDocument), nextPage: page.nextPage)
        case .getDocument(let mailbox, let id):
            guard let box = Self.mailbox(mailbox) else { throw PlatformError.documentNotFound(id) }
            let document = try await service.document(session, box, externalID: id)
            let statuses = Template.named(id: document.templateID)?.statuses ?? []
            return .document(
                Self.wireDocument(document), payload: document.payload,
                statuses: statuses.map { WireStatus(name: $0.name, code: $0.code) })
        case .getDocumentStatus(let mailbox, let id):
            guard let box = Self.mailbox(mailbox) else { throw PlatformError.documentNotFound(id) }
            let document = try await service.document(session, box, externalID: id)
            let wire = Self.wireDocument(document)
            return .documentStatus(wire.status, wire.statusInfo)
        case .setInboxDocumentStatus(let id, let code):
            let document = try await service.setInboxStatus(session, externalID: id, code: code)
            return .setInboxDocumentStatus(externalID: document.externalID)
        case .getDocumentPdf(let id):
            let pdf = try await service.pdf(session, externalID: id)
            return .documentPdf(fileName: pdf.fileName, contents: pdf.contents)
        }
    }

    // MARK: Mapping between the platform and the wire

    static func mailbox(_ mailbox: EConnectWire.Mailbox) -> Platform.Mailbox? {
        switch mailbox {
        case .inbox: .inbox
        case .outbox: .outbox
        case .drafts: nil
        }
    }

    static func filter(_ search: DocumentSearch) -> DocumentFilter {
        var filter = DocumentFilter()
        filter.externalID = search.externalID
        filter.subject = search.subject
        filter.createdFrom = search.createdOn?.from
        filter.createdTo = search.createdOn?.to
        filter.modifiedFrom = search.modifiedOn?.from
        filter.modifiedTo = search.modifiedOn?.to
        filter.sender = search.sender
        filter.receiver = search.receiver
        filter.statusCode = search.statusCode
        filter.templateID = search.templateMasterID ?? search.templateID
        return filter
    }

    static func wireParty(_ organisation: Organisation, account: Account?) -> WireParty {
        WireParty(
            referenceID: organisation.referenceID, name: organisation.name, chamberNumber: organisation.kvk,
            address: WireAddress(countryCode: organisation.country), econnectPartyID: organisation.partyID,
            accountID: organisation.accountID, accountName: account?.name ?? "", isRegisteredToPeppol: false,
            isVerified: organisation.isVerified)
    }

    static func wireDocument(_ document: StoredDocument) -> WireDocument {
        let template = Template.named(id: document.templateID) ?? .factuur
        return WireDocument(
            externalID: document.externalID, subject: document.subject, createdOn: document.createdOn,
            modifiedOn: document.modifiedOn, sender: (document.senderPartyID, document.senderName),
            receiver: document.receiverPartyID.map { ($0, document.receiverName ?? "") },
            status: WireStatus(name: document.status.status.name, code: document.status.status.code),
            statusInfo: WireStatusInfo(
                userID: document.status.userID, userName: document.status.userEmail,
                accountID: document.status.accountID, accountName: document.status.accountName,
                changedOn: document.status.changedOn),
            template: WireTemplate(
                id: template.id, name: template.name, masterID: template.masterID, masterName: template.masterName),
            messageID: document.messageID,
            deliveryMethod: Self.deliveryMethod(document.route),
            endpoint: document.route == .toEmail ? document.receiverEmail : document.route == .toPeppol ? document.peppolReceiver : nil,
            senderReferenceID: document.senderPartyID,
            receiverReferenceID: document.receiverReference)
    }

    static func deliveryMethod(_ route: DeliveryRoute) -> DeliveryMethod {
        switch route {
        case .toInbox: .toInbox
        case .toEmail: .toEmail
        case .toPeppol: .toPeppol
        }
    }

    /// Pages an in-memory list by key; the token is the last key of the page.
    static func page<T>(_ items: [T], paging: Paging, key: KeyPath<T, String>) throws -> ([T], String?) {
        let rest = items.filter { paging.startPage == nil || $0[keyPath: key] > paging.startPage! }
        let page = Array(rest.prefix(paging.limit))
        return (page, rest.count > paging.limit ? page.last.map { $0[keyPath: key] } : nil)
    }

    static func fault(for error: PlatformError) -> SOAPFault {
        switch error.code {
        case .invalidCredentials: .invalidKey
        case .tooManyFailedLogins: .tooManyFailedLogins(retryAfter: error.retryAfter ?? 0)
        case .tokenExpired: .tokenExpired
        case .subscriptionTooLow: .subscriptionTooLow(error.subject)
        case .noRightToSendVia: .noRightToSendVia(error.subject)
        case .noRightToParty: .noRightToParty(error.subject)
        case .invalidPayload: .invalidField("SendDocument/Payload", error.subject)
        case .validationFailed: .validationFailed(error.ruleIDs)
        case .receiverUnreachable: .receiverUnreachable(error.subject)
        case .documentNotFound: .documentNotFound(error.subject)
        case .partyNotFound: .partyNotFound(error.subject)
        case .invalidStatus: .invalidStatus(error.subject)
        case .unknownTemplate: .unknownTemplate(error.subject)
        case .invalidPagingToken: .invalidPagingToken(error.subject)
        case .invalidInput: .invalidField(error.field ?? "", error.subject)
        case .notFound: .notFound(error.field ?? "record", error.subject)
        case .notRenderable: .notRenderable(error.subject)
        default: .internalError  // conflictingRecords, and codes a newer core may add
        }
    }

    static func xmlResponse(_ status: HTTPResponse.Status, _ xml: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/xml; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
    }
}
