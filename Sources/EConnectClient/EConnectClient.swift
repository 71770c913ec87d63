import AsyncHTTPClient
import EConnectWire
import Foundation
import HardenedXML
import NIOCore
import NIOPosix
import NIOSSL

/// A client of the native SOAP API v3 / v3.1, as an accounting package uses it: it logs in with
/// the connection keys, logs in again when the platform says the token expired or is unknown,
/// retries with back-off when the platform cannot be reached or answers 5xx without a fault, and
/// reports every refusal as an ``EConnectError`` carrying the platform's code and message.
///
/// ```swift
/// let client = EConnectClient(configuration: .init(url: url, appKey: key, secret: secret))
/// let externalID = try await client.send(request)
/// ```
public actor EConnectClient {
    public struct Configuration: Sendable {
        /// The platform's base URL (`https://host`); the API path (`/soap/v3.1`) is added.
        public var url: URL
        public var version: APIVersion
        public var appKey: String
        public var secret: String
        public var retry: RetryPolicy
        /// How long one HTTP exchange may take.
        public var timeout: Duration
        /// The largest answer read: by default one carrying a document of the largest size a
        /// platform accepts (100 MiB) and its envelope.
        public var maxAnswerBytes: Int

        public init(
            url: URL, version: APIVersion = .v3_1, appKey: String, secret: String, retry: RetryPolicy = RetryPolicy(),
            timeout: Duration = .seconds(60), maxAnswerBytes: Int = 101 * 1024 * 1024
        ) {
            self.url = url
            self.version = version
            self.appKey = appKey
            self.secret = secret
            self.retry = retry
            self.timeout = timeout
            self.maxAnswerBytes = maxAnswerBytes
        }
    }

    /// How often and how patiently a call is repeated when the platform cannot be reached.
    public struct RetryPolicy: Sendable {
        public var maxAttempts: Int
        public var initialDelay: Duration
        public var maxDelay: Duration

        public init(maxAttempts: Int = 4, initialDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(5)) {
            self.maxAttempts = max(1, maxAttempts)
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
        }

        /// The wait before attempt `attempt + 1`: doubling from the initial delay, capped.
        func delay(after attempt: Int) -> Duration {
            min(initialDelay * (1 << min(attempt - 1, 20)), maxDelay)
        }
    }

    public let configuration: Configuration
    private let http: HTTPClient
    private var securityToken: String?
    /// The login under way, if any: calls that need a token meanwhile wait for it instead of
    /// logging in too (the platform counts every login in flight against its throttle).
    private var pendingLogin: Task<String, any Error>?

    /// `http` defaults to ``sharedHTTPClient``, which lives as long as the process and needs no shutdown.
    public init(configuration: Configuration, http: HTTPClient = EConnectClient.sharedHTTPClient) {
        self.configuration = configuration
        self.http = http
    }

    /// AsyncHTTPClient's own retrying of failed connections is off: it would hold a request until its
    /// deadline, while ``RetryPolicy`` reports an unreachable platform after a few quick attempts.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    // MARK: Operations

    /// Logs in with the connection keys and keeps the SecurityToken for the calls that follow.
    @discardableResult
    public func login() async throws(EConnectError) -> String {
        let answer = try await exchange(
            .login(consumerKey: configuration.appKey, consumerSecret: configuration.secret), token: nil)
        guard case .login(let token) = answer else { throw .unexpectedAnswer(answer) }
        securityToken = token
        return token
    }

    public func accountDetails() async throws(EConnectError) -> WireAccount {
        let answer = try await call(.getAccountDetails)
        guard case .accountDetails(let account) = answer else { throw .unexpectedAnswer(answer) }
        return account
    }

    /// Every organisation these keys may act for, all pages.
    public func accountParties(pageSize: Int = 100) async throws(EConnectError) -> [WireParty] {
        try await allParties { .getAccountParties(Paging(limit: pageSize, startPage: $0)) }
    }

    public func parties(matching search: PartySearch, pageSize: Int = 100) async throws(EConnectError) -> [WireParty] {
        try await allParties { .getParties(search, Paging(limit: pageSize, startPage: $0)) }
    }

    /// The parties of every page of a party list, following the NextPage tokens.
    private func allParties(_ request: (_ startPage: String?) -> RequestMessage) async throws(EConnectError) -> [WireParty] {
        var parties: [WireParty] = []
        var page: String? = nil
        repeat {
            let answer = try await call(request(page))
            switch answer {
            case .accountParties(let results, let next), .parties(let results, let next):
                parties += results
                page = next
            default:
                throw .unexpectedAnswer(answer)
            }
        } while page != nil
        return parties
    }

    public func party(referenceID: String) async throws(EConnectError) -> WireParty {
        let answer = try await call(.getParty(referenceID: referenceID))
        guard case .party(let party) = answer else { throw .unexpectedAnswer(answer) }
        return party
    }

    /// Sends a document; the answer is its ExternalId, the Delivery ID. Sending the same invoice
    /// again is safe: the platform keeps it as a revision under the same ExternalId.
    public func send(_ request: SendDocumentRequest) async throws(EConnectError) -> String {
        let answer = try await call(.sendDocument(request))
        guard case .sendDocument(let externalID) = answer else { throw .unexpectedAnswer(answer) }
        return externalID
    }

    /// One page of a mailbox; pass the previous page's `nextPage` to get the next.
    public func documents(
        in mailbox: Mailbox, search: DocumentSearch = DocumentSearch(), limit: Int = Paging.defaultLimit,
        startPage: String? = nil
    ) async throws(EConnectError) -> (documents: [WireDocument], nextPage: String?) {
        let answer = try await call(
            .listDocuments(mailbox, ListDocumentsRequest(paging: Paging(limit: limit, startPage: startPage), search: search)))
        guard case .documents(let documents, let next) = answer else { throw .unexpectedAnswer(answer) }
        return (documents, next)
    }

    /// Every page of a mailbox in order, following the NextPage tokens.
    public nonisolated func allDocuments(
        in mailbox: Mailbox, search: DocumentSearch = DocumentSearch(), pageSize: Int = 100
    ) -> DocumentPages {
        DocumentPages(client: self, mailbox: mailbox, search: search, pageSize: pageSize)
    }

    /// A document with its payload (the UBL without prolog) and the statuses its template allows.
    public func document(
        in mailbox: Mailbox, externalID: String
    ) async throws(EConnectError) -> (
        document: WireDocument, payload: String, statuses: [WireStatus]
    ) {
        let answer = try await call(.getDocument(mailbox, id: externalID))
        guard case .document(let document, let payload, let statuses) = answer else { throw .unexpectedAnswer(answer) }
        return (document, payload, statuses)
    }

    public func status(
        in mailbox: Mailbox, externalID: String
    ) async throws(EConnectError) -> (
        status: WireStatus, info: WireStatusInfo
    ) {
        let answer = try await call(.getDocumentStatus(mailbox, externalID: externalID))
        guard case .documentStatus(let status, let info) = answer else { throw .unexpectedAnswer(answer) }
        return (status, info)
    }

    public func setInboxStatus(externalID: String, code: String) async throws(EConnectError) {
        let answer = try await call(.setInboxDocumentStatus(externalID: externalID, statusCode: code))
        guard case .setInboxDocumentStatus = answer else { throw .unexpectedAnswer(answer) }
    }

    public func pdf(externalID: String) async throws(EConnectError) -> (fileName: String, contents: Data) {
        let answer = try await call(.getDocumentPdf(externalID: externalID))
        guard case .documentPdf(let name, let contents) = answer else { throw .unexpectedAnswer(answer) }
        return (name, contents)
    }

    // MARK: Calls

    /// Any operation with the token; logs in first when there is none, and once more when the
    /// platform says the token expired (DEFAULT_ERROR_CODE999) or is unknown (ERRIAU6000007).
    public func call(_ message: RequestMessage) async throws(EConnectError) -> ResponseMessage {
        if case .login = message { return try await exchange(message, token: nil) }
        let token: String
        if let securityToken { token = securityToken } else { token = try await sharedLogin() }
        do {
            return try await exchange(message, token: token)
        } catch let error where error.asksForNewLogin {
            // Another call may have logged in again already.
            if securityToken == token { securityToken = nil }
            let renewed: String
            if let securityToken { renewed = securityToken } else { renewed = try await sharedLogin() }
            return try await exchange(message, token: renewed)
        }
    }

    /// One login for every call that finds no token, however many arrive at once.
    private func sharedLogin() async throws(EConnectError) -> String {
        let task: Task<String, any Error>
        if let pendingLogin {
            task = pendingLogin
        } else {
            task = Task { try await self.login() }
            pendingLogin = task
        }
        defer { if pendingLogin == task { pendingLogin = nil } }
        do {
            return try await task.value
        } catch {
            throw error as! EConnectError  // `login` throws only EConnectError
        }
    }

    /// One request, repeated with back-off while the platform cannot be reached, answers 5xx
    /// without a SOAP fault, or answers 503 (busy: nothing was done). Any other fault is never
    /// repeated: it is the platform's answer.
    private func exchange(_ message: RequestMessage, token: String?) async throws(EConnectError) -> ResponseMessage {
        let operation = message.operation
        let envelope = Envelope.request(message, securityToken: token, version: configuration.version)
        var request = HTTPClientRequest(url: configuration.url.appendingPathComponent(configuration.version.path).absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
        request.headers.add(name: "SOAPAction", value: "\"\(configuration.version.soapAction(operation))\"")
        // A known length: the body goes with Content-Length, never chunked.
        let body = ByteBuffer(string: envelope)
        request.body = .bytes(body)

        var attempt = 1
        while true {
            let failure: EConnectError
            do {
                let response = try await http.execute(request, timeout: .init(configuration.timeout))
                let bytes = try await response.body.collect(upTo: configuration.maxAnswerBytes)
                do {
                    return try ResponseMessage.read(
                        bytes.readableBytesView, operation: operation,
                        limits: XMLReader.Limits(maxBytes: configuration.maxAnswerBytes, maxDepth: 96))
                } catch {
                    if let fault = error.fault {
                        guard response.status == .serviceUnavailable else { throw EConnectError.fault(fault) }
                        failure = .fault(fault)
                    } else {
                        guard response.status.code >= 500 else {
                            throw EConnectError.unreadableAnswer(status: Int(response.status.code), error.message)
                        }
                        failure = .unreadableAnswer(status: Int(response.status.code), error.message)
                    }
                }
            } catch let error as EConnectError {
                throw error
            } catch {
                failure = .unreachable("\(configuration.url.absoluteString): \(Self.plainReason(error))")
            }
            guard attempt < configuration.retry.maxAttempts else { throw failure }
            do {
                try await Task.sleep(for: configuration.retry.delay(after: attempt))
            } catch {
                throw failure
            }
            attempt += 1
        }
    }
}

extension EConnectClient {
    /// The pages of a mailbox listing, fetched one at a time as the loop asks for them.
    public struct DocumentPages: AsyncSequence, Sendable {
        public typealias Element = [WireDocument]
        let client: EConnectClient
        let mailbox: Mailbox
        let search: DocumentSearch
        let pageSize: Int

        public struct AsyncIterator: AsyncIteratorProtocol {
            let pages: DocumentPages
            var nextPage: String?
            var finished = false

            /// Throws ``EConnectError``.
            public mutating func next() async throws -> [WireDocument]? {
                guard !finished else { return nil }
                let page = try await pages.client.documents(
                    in: pages.mailbox, search: pages.search, limit: pages.pageSize, startPage: nextPage)
                nextPage = page.nextPage
                finished = page.nextPage == nil
                if page.documents.isEmpty && finished { return nil }
                return page.documents
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: self) }
    }
}

/// Why a call failed. ``code`` is stable: the platform's own code for a fault, `client.*` otherwise.
extension EConnectClient {
    /// Why a connection failed, in words a user can act on (the transport's own error names its
    /// internals: "connection reset (error set): Connection refused (errno: 111)").
    static func plainReason(_ error: any Error) -> String {
        switch error {
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: "nothing answers there (connection refused); is the platform running, and is the URL right?"
            case ECONNRESET, EPIPE: "the connection was closed before an answer came"
            case ETIMEDOUT: "no answer in time"
            case EHOSTUNREACH, ENETUNREACH: "the host cannot be reached from here"
            default: "the connection failed"
            }
        case let error as NIOConnectionError:
            // Every address tried failed: say why the first did, or that none was found.
            if let first = error.connectionErrors.first { plainReason(first.error) } else { "the host name is not known" }
        case is SocketAddressError: "the host name is not known"
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout: "no answer in time"
            case .tlsHandshakeTimeout: "the TLS connection could not be set up"
            case .remoteConnectionClosed: "the connection was closed before an answer came"
            default: "the connection failed"
            }
        case let error as ChannelError:
            if case .connectTimeout = error { "no answer in time" } else { "the connection failed" }
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError: "the TLS connection could not be set up"
        default: "the connection failed"
        }
    }
}

public struct EConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The platform's own code for a refusal (`ERRXSL4000001`, …), `client.*` for the client's.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// No connection, or none completed, after every retry.
        public static let unreachable: Code = "client.unreachable"
        /// The answer is not the SOAP answer the operation has.
        public static let unreadableAnswer: Code = "client.unreadable-answer"
    }

    public var code: Code
    public var message: String
    /// The platform's refusal, when it refused; ``code`` is then its code.
    public var fault: SOAPFault?

    public init(_ code: Code, _ message: String, fault: SOAPFault? = nil) {
        self.code = code
        self.message = message
        self.fault = fault
    }

    public static func fault(_ fault: SOAPFault) -> EConnectError {
        EConnectError(Code(rawValue: fault.code.rawValue), fault.message, fault: fault)
    }

    static func unreachable(_ why: String) -> EConnectError {
        EConnectError(.unreachable, "the platform cannot be reached: \(why)")
    }

    static func unreadableAnswer(status: Int, _ why: String) -> EConnectError {
        EConnectError(.unreadableAnswer, "the platform's answer (HTTP \(status)) cannot be read: \(why)")
    }

    static func unexpectedAnswer(_ answer: ResponseMessage) -> EConnectError {
        .unreadableAnswer(status: 200, "an answer of the wrong kind: \(answer)")
    }

    public var description: String { "\(message) [\(code)]" }

    /// The token expired or the platform no longer knows it: log in again and repeat.
    var asksForNewLogin: Bool {
        fault?.code == SOAPFault.tokenExpired.code || fault?.code == SOAPFault.invalidKey.code
    }
}
