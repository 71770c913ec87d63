import EConnectWire
import EInvoice
import EInvoiceRules
import Foundation
import HTTPTypes
import HardenedXML
import Hummingbird
import Logging
import Mustache
import NIOCore
import NIOPosix
import Platform
import Synchronization
import WebPages

/// What the portal needs of a request context besides Hummingbird's: where the request came
/// from, for the sign-in throttle, and whether over TLS, for the cookies' `Secure`.
public protocol PortalRequestContext: RequestContext {
    var clientAddress: String { get }
    var overTLS: Bool { get }
}

/// The platform's pages for people, under `/portal`: sign-up and sign-in, organisations and their
/// connection keys, the inbox and outbox with each document laid out as an invoice, users, and
/// validation of an uploaded file. Server-rendered HTML, no script needed; every form carries a
/// CSRF token; every answer carries the security headers. The rules are `PlatformService`'s: this
/// only reads forms, calls one service function and renders.
public struct Portal: Sendable {
    let service: PlatformService
    let logger: Logger
    /// The largest upload read (a document to validate), and the largest of any other form: a
    /// form of a few fields never needs more, and every byte of a form is parsed before the
    /// CSRF check can refuse it.
    static let maxUploadBytes = 20 * 1024 * 1024
    static let maxFormBytes = 64 * 1024
    static let sessionCookie = "efactuur_session"
    /// A visitor who is not signed in gets this random value; their forms must carry it back.
    static let visitorCookie = "efactuur_visitor"
    /// `nl` or `en`, once the visitor chose one; else the browser's Accept-Language decides.
    static let languageCookie = "efactuur_language"

    public init(service: PlatformService, logger: Logger = Logger(label: "efactuur.portal")) {
        self.service = service
        self.logger = logger
    }

    public func register<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get("/") { _, _ in WebResponses.redirect("/portal") }
        let portal = router.group("/portal")
        portal.get("/static/portal.css") { _, _ in WebResponses.asset(Templates.stylesheet, type: "text/css; charset=utf-8") }
        portal.get("/static/portal.js") { _, _ in WebResponses.asset(Templates.script, type: "text/javascript; charset=utf-8") }
        portal.get("") { request, context in
            try await handle(request, context) { visitor in
                visitor.user == nil ? WebResponses.redirect("/portal/sign-in") : WebResponses.redirect("/portal/organisations")
            }
        }
        portal.get("/sign-in") { request, context in try await handle(request, context) { try page("sign-in", $0.texts["signIn"], $0) } }
        portal.post("/sign-in") { request, context in
            try await handle(request, context, form: true) { visitor in
                do {
                    let session = try await service.signIn(
                        email: visitor.form["email"], password: visitor.form["password"], clientAddress: context.clientAddress)
                    return Self.signedIn(session, visitor, then: "/portal/organisations")
                } catch let error as PlatformError where [.signInFailed, .tooManyFailedLogins].contains(error.code) {
                    return try page(
                        "sign-in", visitor.texts["signIn"], visitor, ["email": visitor.form["email"]], error: error,
                        status: error.code == .tooManyFailedLogins ? .tooManyRequests : .unauthorized)
                }
            }
        }
        portal.get("/sign-up") { request, context in
            try await handle(request, context) { try page("sign-up", $0.texts["signUp"], $0, Self.signUpFields(selected: .basic, $0.texts)) }
        }
        portal.post("/sign-up") { request, context in
            try await handle(request, context, form: true) { visitor in
                let subscription = Subscription(rawValue: visitor.form["subscription"]) ?? .basic
                do {
                    let (_, session) = try await service.signUp(
                        accountName: visitor.form["account"], email: visitor.form["email"], password: visitor.form["password"],
                        subscription: subscription)
                    return Self.signedIn(session, visitor, then: "/portal/organisations")
                } catch let error as PlatformError where error.code == .invalidInput {
                    var fields = Self.signUpFields(selected: subscription, visitor.texts)
                    fields["account"] = visitor.form["account"]
                    fields["email"] = visitor.form["email"]
                    return try page("sign-up", visitor.texts["signUp"], visitor, fields, error: error, status: .badRequest)
                }
            }
        }
        portal.post("/sign-out") { request, context in
            try await handle(request, context, form: true, signedIn: true) { visitor in
                if let session = request.cookies[Self.sessionCookie]?.value { try await service.signOut(sessionID: session) }
                var response = WebResponses.redirect("/portal/sign-in")
                response.setCookie(Self.cookie(Self.sessionCookie, "", maxAge: 0, secure: visitor.overTLS))
                return response
            }
        }
        portal.get("/password") { request, context in
            try await handle(request, context, signedIn: true) { try page("password", $0.texts["changePassword"], $0) }
        }
        portal.post("/password") { request, context in
            try await handle(request, context, form: true, signedIn: true) { visitor in
                do {
                    let session = try await service.changePassword(visitor.user!, current: visitor.form["current"], new: visitor.form["new"])
                    return Self.signedIn(session, visitor, then: "/portal/organisations")
                } catch let error as PlatformError where error.code == .invalidInput {
                    return try page("password", visitor.texts["changePassword"], visitor, error: error, status: .badRequest)
                }
            }
        }

        portal.get("/organisations") { request, context in
            try await handle(request, context, signedIn: true) { try await organisationsPage($0) }
        }
        portal.post("/organisations") { request, context in
            try await handle(request, context, form: true, signedIn: true) { visitor in
                let form = visitor.form
                do {
                    let organisation = try await service.createOrganisation(
                        visitor.user!, name: form["name"], country: form["country"], kvk: form["kvk"], oin: form["oin"], vat: form["vat"],
                        kbo: form["kbo"])
                    return WebResponses.redirect("/portal/organisations/\(organisation.partyID)")
                } catch let error as PlatformError where error.code == .invalidInput {
                    return try await organisationsPage(visitor, error: error, form: form.fields)
                }
            }
        }
        portal.get("/organisations/:party") { request, context in
            try await handle(request, context, signedIn: true) { visitor in
                try await organisationPage(visitor, partyID: try context.parameters.require("party"))
            }
        }
        portal.post("/organisations/:party") { request, context in
            try await handle(request, context, form: true, signedIn: true) { visitor in
                let partyID = try context.parameters.require("party")
                let form = visitor.form
                do {
                    _ = try await service.updateOrganisation(
                        visitor.user!, partyID: partyID, name: form["name"], kvk: form["kvk"], oin: form["oin"], vat: form["vat"],
                        kbo: form["kbo"])
                    return WebResponses.redirect("/portal/organisations/\(partyID)")
                } catch let error as PlatformError where error.code == .invalidInput {
                    return try await organisationPage(visitor, partyID: partyID, error: error, edit: form.fields)
                }
            }
        }
        portal.post("/organisations/:party/keys") { request, context in
            try await handle(request, context, form: true, signedIn: true) { visitor in
                let partyID = try context.parameters.require("party")
                let organisation = try await service.organisation(visitor.user!, partyID: partyID)
                let (key, secret) = try await service.createConnectionKey(visitor.user!, partyID: partyID)
                let quickConnect = QuickConnect(appKey: key.appKey, secret: secret, email: key.email, companyID: partyID).text
                var response = try page(
                    "key-created", visitor.texts["newKey"], visitor,
                    [
                        "appKey": key.appKey, "secret": secret, "quickConnect": quickConnect, "partyID": partyID,
                        "organisationName": organisation.name,
                    ])
                response.headers[.cacheControl] = "no-store"
                return response
            }
        }
        portal.post("/organisations/:party/keys/:key/revoke") { request, context in
            try await handle(request, context, form: true, signedIn: true) { visitor in
                let partyID = try context.parameters.require("party")
                try await service.revokeConnectionKey(visitor.user!, partyID: partyID, appKey: try context.parameters.require("key"))
                return WebResponses.redirect("/portal/organisations/\(partyID)")
            }
        }
        for mailbox in [Platform.Mailbox.inbox, Platform.Mailbox.outbox] {
            portal.get("/organisations/:party/\(mailbox == .inbox ? "inbox" : "outbox")") { request, context in
                try await handle(request, context, signedIn: true) { visitor in
                    try await mailboxPage(visitor, request: request, partyID: try context.parameters.require("party"), mailbox: mailbox)
                }
            }
        }
        portal.get("/organisations/:party/documents/:id") { request, context in
            try await handle(request, context, signedIn: true) { visitor in
                try await documentPage(visitor, partyID: try context.parameters.require("party"), externalID: try context.parameters.require("id"))
            }
        }
        portal.get("/organisations/:party/documents/:id/xml") { request, context in
            try await handle(request, context, signedIn: true) { visitor in
                let (document, _) = try await findDocument(
                    visitor, partyID: try context.parameters.require("party"), externalID: try context.parameters.require("id"))
                return WebResponses.download(Array(document.payload.utf8), type: "application/xml", name: "\(document.externalID).xml")
            }
        }
        portal.get("/organisations/:party/documents/:id/pdf") { request, context in
            try await handle(request, context, signedIn: true) { visitor in
                let partyID = try context.parameters.require("party")
                let externalID = try context.parameters.require("id")
                let session = try await service.mailboxSession(visitor.user!, partyID: partyID)
                let pdf = try await service.pdf(session, externalID: externalID, words: InvoiceWords(language: visitor.texts.language))
                return WebResponses.download(Array(pdf.contents), type: "application/pdf", name: pdf.fileName)
            }
        }
        portal.post("/organisations/:party/documents/:id/status") { request, context in
            try await handle(request, context, form: true, signedIn: true) { visitor in
                let partyID = try context.parameters.require("party")
                let externalID = try context.parameters.require("id")
                let session = try await service.mailboxSession(visitor.user!, partyID: partyID)
                _ = try await service.setInboxStatus(
                    session, externalID: externalID, code: visitor.form["code"], reason: visitor.form["reason"], askedForReason: true)
                return WebResponses.redirect("/portal/organisations/\(partyID)/documents/\(externalID)")
            }
        }

        portal.get("/users") { request, context in try await handle(request, context, signedIn: true) { try await usersPage($0) } }
        portal.post("/users") { request, context in
            try await handle(request, context, form: true, signedIn: true) { visitor in
                do {
                    _ = try await service.inviteUser(
                        visitor.user!, email: visitor.form["email"], role: UserRole(rawValue: visitor.form["role"]) ?? .user,
                        password: visitor.form["password"])
                    return WebResponses.redirect("/portal/users")
                } catch let error as PlatformError where error.code == .invalidInput {
                    return try await usersPage(visitor, error: error)
                }
            }
        }
        portal.post("/users/remove") { request, context in
            try await handle(request, context, form: true, signedIn: true) { visitor in
                do {
                    try await service.removeUser(visitor.user!, email: visitor.form["email"])
                    return WebResponses.redirect("/portal/users")
                } catch let error as PlatformError where error.code == .invalidInput {
                    return try await usersPage(visitor, error: error)
                }
            }
        }

        portal.get("/validate") { request, context in
            try await handle(request, context) { try page("validate", $0.texts["validate"], $0, ["ruleSets": Self.ruleSetOptions($0.texts)]) }
        }
        portal.post("/validate") { request, context in
            try await handle(request, context, form: true, upload: true) { visitor in
                guard let bytes = visitor.form.files["document"], !bytes.isEmpty else {
                    return try page(
                        "validate", visitor.texts["validate"], visitor, ["ruleSets": Self.ruleSetOptions(visitor.texts)],
                        error: PlatformError.invalidInput(field: visitor.texts["file"], reason: visitor.texts["chooseFile"]),
                        status: .badRequest)
                }
                let ruleSet = Validator.RuleSet(rawValue: visitor.form["ruleset"]) ?? .auto
                let report = try await Self.validate(bytes, ruleSet: ruleSet, limited: true)
                var fields = Self.reportFields(report, visitor.texts)
                fields["ruleSets"] = Self.ruleSetOptions(visitor.texts)
                fields["report"] = true
                return try page("validate", visitor.texts["validate"], visitor, fields, status: report?.isValid == true ? .ok : .unprocessableContent)
            }
        }
    }

    // MARK: Pages

    private func organisationsPage(_ visitor: Visitor, error: PlatformError? = nil, form: [String: String] = [:]) async throws -> Response {
        let user = visitor.user!
        let organisations = try await service.organisations(accountID: user.account.id)
        return try page(
            "organisations", visitor.texts["organisations"], visitor,
            [
                "accountName": user.account.name, "administrator": user.isAdministrator, "form": form,
                "hasOrganisations": !organisations.isEmpty, "organisations": organisations.map(Self.organisationFields),
            ], error: error, status: error == nil ? .ok : .badRequest)
    }

    private func organisationPage(
        _ visitor: Visitor, partyID: String, error: PlatformError? = nil, edit: [String: String]? = nil
    ) async throws -> Response {
        let user = visitor.user!
        let organisation = try await service.organisation(user, partyID: partyID)
        let keys = try await service.connectionKeys(partyID: organisation.partyID)
        // What the platform's SMP says of the organisation, when the platform is on Peppol.
        var peppol: [String: Any] = ["off": service.configuration.peppol == nil]
        peppol["participants"] = organisation.peppolParticipantIDs.joined(separator: ", ")
        peppol["published"] = !organisation.peppolParticipantIDs.isEmpty
        peppol["types"] = PeppolDocumentType.received.map(\.name)
        let stored = [
            "name": organisation.name, "kvk": organisation.kvk ?? "", "oin": organisation.oin ?? "", "vat": organisation.vat ?? "",
            "kbo": organisation.kbo ?? "",
        ]
        return try page(
            "organisation", organisation.name, visitor,
            [
                "edit": edit ?? stored, "editing": edit != nil,
                "peppol": peppol,
                "organisation": Self.organisationFields(organisation), "partyID": organisation.partyID,
                "administrator": user.isAdministrator, "hasKeys": !keys.isEmpty,
                "keys": keys.map { key -> [String: Any] in
                    [
                        "appKey": key.appKey, "email": key.email, "created": Self.moment(key.createdOn, visitor.texts),
                        "state": key.revokedOn.map { "\(visitor.texts["revokedOn"]) \(Self.moment($0, visitor.texts))" }
                            ?? visitor.texts["active"],
                        "revocable": key.revokedOn == nil,
                    ]
                },
            ], error: error, status: error == nil ? .ok : .badRequest)
    }

    private func mailboxPage(_ visitor: Visitor, request: Request, partyID: String, mailbox: Platform.Mailbox) async throws -> Response {
        let session = try await service.mailboxSession(visitor.user!, partyID: partyID)
        let query = request.uri.queryParameters
        var filter = DocumentFilter()
        let subject = query["subject"].map(String.init) ?? ""
        let status = query["status"].map(String.init) ?? ""
        if !subject.isEmpty { filter.subject = subject }
        if !status.isEmpty { filter.statusCode = status }
        let page = try await service.documents(
            session, mailbox, partyID: partyID, filter: filter, limit: 50, pageToken: query["page"].map(String.init))
        let inbox = mailbox == .inbox
        var carried = ""
        if !subject.isEmpty { carried += "&subject=" + (subject.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        if !status.isEmpty { carried += "&status=" + (status.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        return try self.page(
            "mailbox", "\(visitor.texts[inbox ? "inboxOf" : "outboxOf"]) \(session.organisation.name)", visitor,
            [
                "partyID": partyID, "organisationName": session.organisation.name, "inbox": inbox,
                "counterpartLabel": visitor.texts[inbox ? "sender" : "receiver"], "hasDocuments": !page.documents.isEmpty,
                "filter": ["subject": subject], "next": page.nextPage ?? false, "query": carried,
                "statuses": Template.factuur.statuses.map { ["code": $0.code, "name": $0.name, "selected": $0.code == status] },
                "documents": page.documents.map { document -> [String: Any] in
                    [
                        "externalID": document.externalID, "subject": document.subject,
                        "counterpart": inbox ? document.senderName : (document.receiverName ?? document.receiverReference),
                        "created": Self.moment(document.createdOn, visitor.texts),
                        "status": "\(document.status.status.code) \(document.status.status.name)",
                    ]
                },
            ])
    }

    /// The document in the organisation's inbox, else its outbox, and which one.
    private func findDocument(_ visitor: Visitor, partyID: String, externalID: String) async throws -> (StoredDocument, Platform.Mailbox) {
        let session = try await service.mailboxSession(visitor.user!, partyID: partyID)
        do {
            return (try await service.document(session, .inbox, externalID: externalID), .inbox)
        } catch let error as PlatformError where error.code == .documentNotFound {
            return (try await service.document(session, .outbox, externalID: externalID), .outbox)
        }
    }

    private func documentPage(_ visitor: Visitor, partyID: String, externalID: String) async throws -> Response {
        let (document, mailbox) = try await findDocument(visitor, partyID: partyID, externalID: externalID)
        let history = try await service.statusHistory(
            try await service.mailboxSession(visitor.user!, partyID: partyID), mailbox, externalID: externalID)
        let report = try await Self.validate(Array(document.payload.utf8), ruleSet: .auto, limited: false)
        var fields = Self.reportFields(report, visitor.texts)
        let status = document.status
        fields["partyID"] = partyID
        fields["mailbox"] = mailbox == .inbox ? "inbox" : "outbox"
        fields["mailboxName"] = visitor.texts[mailbox == .inbox ? "inbox" : "outbox"]
        fields["document"] =
            [
                "externalID": document.externalID, "status": "\(status.status.code) \(status.status.name)",
                "statusBy": [status.userEmail, status.accountName].compactMap { $0 }.joined(separator: ", "),
                "statusOn": Self.moment(status.changedOn, visitor.texts), "statusReason": status.reason ?? false,
                "route": Self.routeText(document, visitor.texts),
                "sha256": document.payloadSHA256,
            ] as [String: Any]
        fields["timeline"] = history.map { revision, change -> [String: Any] in
            [
                "status": "\(change.status.code) \(change.status.name)", "on": Self.moment(change.changedOn, visitor.texts),
                "by": [change.userEmail, change.accountName].compactMap { $0 }.joined(separator: ", "),
                "reason": change.reason ?? false, "revision": revision > 1 ? "\(visitor.texts["revision"]) \(revision)" : false,
            ]
        }
        fields["canSetStatus"] = mailbox == .inbox
        fields["statuses"] = (Template.named(id: document.templateID) ?? .factuur).statuses.map { ["code": $0.code, "name": $0.name] }
        if let invoice = try? UBLReader().read(Array(document.payload.utf8)) {
            fields["invoice"] = InvoiceView.fields(invoice, InvoiceWords(language: visitor.texts.language))
        }
        return try page("document", document.subject, visitor, fields)
    }

    private func usersPage(_ visitor: Visitor, error: PlatformError? = nil) async throws -> Response {
        let user = visitor.user!
        let users = try await service.users(accountID: user.account.id)
        return try page(
            "users", visitor.texts["users"], visitor,
            [
                "accountName": user.account.name, "administrator": user.isAdministrator,
                "users": users.map { member -> [String: Any] in
                    [
                        "email": member.email, "role": visitor.texts[member.role == .administrator ? "roleAdministrator" : "roleUser"],
                        "removable": user.isAdministrator && member.id != user.user.id,
                    ]
                },
            ], error: error, status: error == nil ? .ok : .badRequest)
    }

    // MARK: The request around each page

    /// Who is asking, and what their form says (CSRF-checked before the handler sees it).
    struct Visitor {
        var user: PortalUser?
        /// The token this visitor's forms carry: the session's, or the visitor cookie's value.
        var csrf: String
        var form = FormData(body: [], contentType: "application/x-www-form-urlencoded")!
        var newVisitorCookie: String?
        /// Reached over TLS (the public address is `https`, or a trusted proxy says so): the cookies are marked `Secure`.
        var overTLS = false
        var texts = Texts(.dutch)
        /// Set when the visitor chose a language on this request (`?lang=`): kept in a cookie.
        var chosenLanguage: String?
        var here = "/portal"
    }

    /// Runs a page: finds the session, reads and CSRF-checks a form, renders errors as pages, and
    /// adds the security headers to whatever comes back.
    private func handle(
        _ request: Request, _ context: some PortalRequestContext, form: Bool = false, upload: Bool = false, signedIn: Bool = false,
        _ body: (Visitor) async throws -> Response
    ) async throws -> Response {
        var response: Response
        let (texts, chosen) = Self.language(of: request)
        let anonymous = Visitor(user: nil, csrf: "", texts: texts)
        do {
            var visitor = try await visitor(for: request, overTLS: context.overTLS)
            visitor.texts = texts
            visitor.chosenLanguage = chosen
            // The language link reloads this page; after a form, the start page.
            visitor.here = request.method == .get ? request.uri.path : "/portal"
            if signedIn && visitor.user == nil {
                response = WebResponses.redirect("/portal/sign-in")
            } else {
                if form {
                    let bytes = try await request.body.collect(upTo: upload ? Self.maxUploadBytes : Self.maxFormBytes)
                    guard let fields = FormData(body: Array(buffer: bytes), contentType: request.headers[.contentType]) else {
                        throw PortalRefusal(status: .unsupportedMediaType, message: texts["notAForm"])
                    }
                    visitor.form = fields
                    // The token must be this visitor's own: no other site's form can carry it.
                    guard !visitor.csrf.isEmpty, WebResponses.tokenMatches(fields["csrf"], visitor.csrf) else {
                        throw PortalRefusal(status: .forbidden, message: texts["formExpired"])
                    }
                }
                response = try await body(visitor)
            }
            if let chosen = visitor.chosenLanguage {
                response.setCookie(Self.cookie(Self.languageCookie, chosen, maxAge: 365 * 86_400, secure: visitor.overTLS))
            }
            if let cookie = visitor.newVisitorCookie {
                response.setCookie(Self.cookie(Self.visitorCookie, cookie, maxAge: 86_400, secure: visitor.overTLS))
            }
        } catch let refusal as PortalRefusal {
            response = try page("message", texts["failed"], anonymous, ["message": refusal.message], status: refusal.status)
        } catch let error as PlatformError {
            let status: HTTPResponse.Status =
                switch error.code {
                case .notFound, .documentNotFound, .noRightToParty, .notRenderable: .notFound
                case .notAllowed: .forbidden
                case .invalidInput, .invalidStatus, .invalidPagingToken: .badRequest
                case .tooManyFailedLogins: .tooManyRequests
                default: .internalServerError
                }
            let message = status == .notFound ? texts["pageNotFound"] : Self.sentence(error, texts)
            response = try page(
                "message", texts[status == .notFound ? "notFound" : "failed"], anonymous, ["message": message], status: status)
        } catch is NIOTooManyBytesError {
            response = try page("message", texts["tooLarge"], anonymous, ["message": texts["formTooLarge"]], status: .contentTooLarge)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            response = try page("message", texts["tooLarge"], anonymous, ["message": texts["formTooLarge"]], status: .contentTooLarge)
        } catch let error as HTTPError {
            response = try page("message", texts["failed"], anonymous, ["message": texts["failed"]], status: error.status)
        } catch {
            // A store or other failure: logged with its detail, answered as a page like any other.
            logger.error("portal request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = try page("message", texts["failed"], anonymous, ["message": texts["failed"]], status: .internalServerError)
        }
        // The same address answers in another language, and differently signed in.
        response.headers[.vary] = "Accept-Language, Cookie"
        WebResponses.secure(&response.headers)
        return response
    }

    private func visitor(for request: Request, overTLS: Bool) async throws -> Visitor {
        if let session = request.cookies[Self.sessionCookie]?.value, !session.isEmpty,
            let user = try? await service.portalUser(sessionID: session)
        {
            return Visitor(user: user, csrf: user.csrfToken, overTLS: overTLS)
        }
        if let value = request.cookies[Self.visitorCookie]?.value, value.utf8.count == 64, value.utf8.allSatisfy(\.isHexDigit) {
            return Visitor(user: nil, csrf: value, overTLS: overTLS)
        }
        let fresh = WebResponses.randomToken()
        // A first visit that posts a form has no cookie yet, so its token cannot match: refused.
        return Visitor(user: nil, csrf: fresh, newVisitorCookie: fresh, overTLS: overTLS)
    }

    private func page(
        _ name: String, _ title: String, _ visitor: Visitor, _ fields: [String: Any] = [:], error: PlatformError? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var context = fields
        context["t"] = visitor.texts.words
        context["csrf"] = visitor.csrf
        context["minimumPasswordLength"] = PlatformService.minimumPasswordLength
        let content = Templates.library.render(context, withTemplate: name) ?? ""
        var layout: [String: Any] = ["title": title, "content": content, "csrf": visitor.csrf, "t": visitor.texts.words, "here": visitor.here]
        if let user = visitor.user {
            layout["user"] = true
            layout["email"] = user.user.email
        }
        if let error { layout["error"] = Self.sentence(error, visitor.texts) }
        let html = Templates.library.render(layout, withTemplate: "layout") ?? ""
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        if visitor.user != nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    private static func signedIn(_ session: String, _ visitor: Visitor, then location: String) -> Response {
        var response = WebResponses.redirect(location)
        response.setCookie(cookie(sessionCookie, session, maxAge: Int(PlatformService.portalSessionLifetime), secure: visitor.overTLS))
        return response
    }

    static func cookie(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/portal", secure: secure, httpOnly: true, sameSite: .lax)
    }

    struct PortalRefusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    // MARK: Helpers

    /// Validations running or waiting at once; anyone may upload, so past this a visitor is asked
    /// to try again instead of every upload queueing for the cores.
    static let maxValidations = 4
    static let validations = Mutex(0)

    /// `limited`: an anonymous upload, counted against ``maxValidations``; a signed-in user's
    /// document page is not held up by strangers' uploads.
    static func validate(_ bytes: [UInt8], ruleSet: Validator.RuleSet, limited: Bool) async throws -> ValidationReport? {
        if limited {
            let admitted = validations.withLock { running in
                guard running < maxValidations else { return false }
                running += 1
                return true
            }
            guard admitted else {
                throw PortalRefusal(status: .serviceUnavailable, message: Texts(.dutch)["busy"] + " / " + Texts(.english)["busy"])
            }
        }
        defer { if limited { validations.withLock { $0 -= 1 } } }
        // The validator is CPU work: where the API's validation runs (``RequestWork``).
        return try await RequestWork.run(bytes: bytes.count) { try? Validator(ruleSet: ruleSet).validate(bytes) }
    }

    static func reportFields(_ report: ValidationReport?, _ texts: Texts) -> [String: Any] {
        guard let report else {
            return ["verdict": texts["notXML"], "verdictClass": "invalid", "ruleSet": "—", "hasFindings": false]
        }
        let fatal = report.findings.filter { $0.flag == .fatal }.count
        return [
            "verdict": report.isValid
                ? texts["valid"] + (report.findings.isEmpty ? "" : " (\(texts["with"]) \(report.findings.count) \(texts["withWarnings"]))")
                : "\(texts["invalid"]): \(fatal) \(texts["fatalFindings"])",
            "verdictClass": report.isValid ? "valid" : "invalid", "ruleSet": report.ruleSet, "hasFindings": !report.findings.isEmpty,
            "findings": report.findings.map { finding -> [String: Any] in
                [
                    "ruleID": finding.ruleID, "flag": texts[finding.flag == .fatal ? "fatal" : "warning"], "location": finding.location,
                    "line": finding.line ?? false, "message": finding.message,
                ]
            },
        ]
    }

    static func ruleSetOptions(_ texts: Texts) -> [[String: String]] {
        [
            ["value": "auto", "label": texts["ruleSetAuto"]], ["value": "si-ubl", "label": "SI-UBL 2.0"],
            ["value": "si-ubl-gaccount", "label": texts["ruleSetGAccount"]], ["value": "peppol", "label": "Peppol BIS 3"],
            ["value": "en16931", "label": "EN 16931"],
        ]
    }

    static func signUpFields(selected: Subscription, _ texts: Texts) -> [String: Any] {
        let labels: [Subscription: String] = [.free: texts["free"], .basic: texts["basic"], .professional: "Professional", .enterprise: "Enterprise"]
        return [
            "subscriptions": Subscription.allCases.map { ["value": $0.rawValue, "label": labels[$0] ?? $0.rawValue, "selected": $0 == selected] }
        ]
    }

    static func organisationFields(_ organisation: Organisation) -> [String: Any] {
        let registrations = [
            organisation.kvk.map { "KvK \($0)" }, organisation.oin.map { "OIN \($0)" }, organisation.vat.map { "btw \($0)" },
            organisation.kbo.map { "KBO \($0)" },
        ].compactMap { $0 }.joined(separator: ", ")
        return [
            "partyID": organisation.partyID, "name": organisation.name, "country": organisation.country, "registrations": registrations,
            "verified": organisation.isVerified,
        ]
    }

    static func routeText(_ document: StoredDocument, _ texts: Texts) -> String {
        switch document.route {
        case .toInbox: "\(texts["routeInbox"]) \(document.receiverName ?? document.receiverReference)"
        case .toEmail: "\(texts["routeEmail"]) \(document.receiverEmail ?? document.receiverReference)"
        case .toPeppol: "\(texts["routePeppol"]) \(document.peppolReceiver ?? document.receiverReference)"
        }
    }

    /// `3 december 2026 14:05 UTC`.
    static func moment(_ date: Date, _ texts: Texts) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day, let local = LocalDate(year: year, month: month, day: day)
        else { return "" }
        return InvoiceWords(language: texts.language).date(local) + String(format: " %02d:%02d UTC", parts.hour ?? 0, parts.minute ?? 0)
    }

    static func sentence(_ error: PlatformError, _ texts: Texts) -> String {
        switch error.code {
        case .signInFailed: texts["signInFailed"]
        case .tooManyFailedLogins: "\(texts["tooManyAttempts"]) \(error.retryAfter ?? 60)"
        default: error.message
        }
    }

    /// The visitor's language: `?lang=` (then kept in a cookie), the cookie, or the browser's
    /// Accept-Language; Dutch when none says English. Returns the choice to keep, if one was made.
    static func language(of request: Request) -> (Texts, chosen: String?) {
        if let asked = request.uri.queryParameters["lang"].map(String.init), let language = InvoiceWords.Language(rawValue: asked) {
            return (Texts(language), language.rawValue)
        }
        if let kept = request.cookies[languageCookie]?.value, let language = InvoiceWords.Language(rawValue: kept) {
            return (Texts(language), nil)
        }
        let accepted = (request.headers[.acceptLanguage] ?? "").lowercased()
        let english = accepted.range(of: "en"), dutch = accepted.range(of: "nl")
        if let english, dutch.map({ english.lowerBound < $0.lowerBound }) ?? true { return (Texts(.english), nil) }
        return (Texts(.dutch), nil)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool { (0x30...0x39).contains(self) || (0x61...0x66).contains(self) }
}
