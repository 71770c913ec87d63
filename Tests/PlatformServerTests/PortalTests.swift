import EConnectWire
import EInvoice
import EInvoiceRules
import EInvoiceTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Platform
import Testing

@testable import PlatformPortal
@testable import PlatformServer

/// A browser's side of the portal over real HTTP: cookies kept, redirects not followed, the CSRF
/// token taken from the page as a browser's form would carry it.
struct PortalVisitor {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var headers: HTTPFields = [:]

    struct Page {
        var status: Int
        var headers: HTTPFields
        var text: String
        var location: String? { headers[.location] }
        /// The CSRF token the page's forms carry.
        var csrf: String? {
            guard let range = text.range(of: #"name="csrf" value=""#) else { return nil }
            return String(text[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    mutating func get(_ path: String) async throws -> Page {
        try await request(path, method: .get, body: nil, contentType: nil)
    }

    /// Posts a form; `csrf` nil means the token of the page last read is sent as it is.
    mutating func post(_ path: String, _ fields: [String: String]) async throws -> Page {
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
        return try await request(path, method: .post, body: ByteBuffer(string: body), contentType: "application/x-www-form-urlencoded")
    }

    mutating func upload(_ path: String, file: [UInt8], fields: [String: String]) async throws -> Page {
        let boundary = "----efactuur-test-\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"; filename=\"f.xml\"\r\n")
        body.writeString("Content-Type: application/xml\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        return try await request(path, method: .post, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    private mutating func request(_ path: String, method: HTTPRequest.Method, body: ByteBuffer?, contentType: String?) async throws -> Page {
        var headers = self.headers
        if let contentType { headers[.contentType] = contentType }
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body)
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let value = pair.count > 1 ? String(pair[1]) : ""
            if field.value.contains("Max-Age=0") || value.isEmpty { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = value }
        }
        return Page(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
    }

    /// Signs up an account through the forms and stays signed in.
    mutating func signUp(_ account: String, email: String, password: String = "een-goed-wachtwoord") async throws {
        let form = try await get("/portal/sign-up")
        let answer = try await post(
            "/portal/sign-up", ["csrf": form.csrf!, "account": account, "email": email, "password": password, "subscription": "basic"])
        #expect(answer.status == 303, "\(answer.text)")
    }

    mutating func createOrganisation(_ name: String, _ registry: [String: String]) async throws -> String {
        let page = try await get("/portal/organisations")
        let answer = try await post("/portal/organisations", ["csrf": page.csrf!, "name": name, "country": "NL"].merging(registry) { $1 })
        #expect(answer.status == 303, "\(answer.text)")
        return String(answer.location!.split(separator: "/").last!)
    }
}

@Suite("Portal over HTTP: sign-in, CSRF, isolation, escaping, headers, keys, validation")
struct PortalTests {
    @Test("Sign-up signs in with an HttpOnly SameSite=Lax session cookie; forms without their token are refused; sign-out ends the session")
    func signUpCSRFAndSignOut() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            var browser = PortalVisitor(client: soap.client)
            let form = try await browser.get("/portal/sign-up")
            #expect(form.status == 200)
            let token = try #require(form.csrf)
            // No token, another token, or no visitor cookie: each refused, and no account is made.
            var fields = ["account": "Acme", "email": "baas@acme.example", "password": "een-goed-wachtwoord", "subscription": "basic"]
            #expect(try await browser.post("/portal/sign-up", fields).status == 403)
            fields["csrf"] = String(repeating: "0", count: 64)
            #expect(try await browser.post("/portal/sign-up", fields).status == 403)
            var stranger = PortalVisitor(client: soap.client)
            fields["csrf"] = token
            #expect(try await stranger.post("/portal/sign-up", fields).status == 403)
            #expect(try await fixture.service.accounts().allSatisfy { $0.name != "Acme" })

            let signedUp = try await browser.post("/portal/sign-up", fields)
            #expect(signedUp.status == 303)
            let cookie = try #require(signedUp.headers[values: .setCookie].first { $0.hasPrefix("efactuur_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            let organisations = try await browser.get("/portal/organisations")
            #expect(organisations.status == 200)
            #expect(organisations.text.contains("Dit account heeft nog geen organisaties."))
            // A signed-in form needs the session's token, not the visitor's.
            #expect(try await browser.post("/portal/organisations", ["csrf": token, "name": "X", "country": "NL"]).status == 403)

            let signOut = try await browser.post("/portal/sign-out", ["csrf": organisations.csrf!])
            #expect(signOut.status == 303)
            #expect(try await browser.get("/portal/organisations").location == "/portal/sign-in")

            // Sign in again: a wrong password and an unknown address read the same.
            let signIn = try await browser.get("/portal/sign-in")
            let wrong = try await browser.post(
                "/portal/sign-in", ["csrf": signIn.csrf!, "email": "baas@acme.example", "password": "niet-het-wachtwoord"])
            let unknown = try await browser.post(
                "/portal/sign-in", ["csrf": signIn.csrf!, "email": "niemand@acme.example", "password": "een-goed-wachtwoord"])
            #expect(wrong.status == 401 && unknown.status == 401)
            #expect(wrong.text.contains("Het e-mailadres of het wachtwoord klopt niet."))
            #expect(
                wrong.text.replacingOccurrences(of: "baas@acme.example", with: "").count
                    == unknown.text.replacingOccurrences(of: "niemand@acme.example", with: "").count)
            let right = try await browser.post(
                "/portal/sign-in", ["csrf": signIn.csrf!, "email": "BAAS@acme.example", "password": "een-goed-wachtwoord"])
            #expect(right.location == "/portal/organisations")

            // X-Forwarded-Proto from a client that is no trusted proxy changes nothing.
            var claiming = PortalVisitor(client: soap.client, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            let page = try await claiming.get("/portal/sign-in")
            #expect(!page.headers[values: .setCookie].isEmpty)
            #expect(!page.headers[values: .setCookie].contains { $0.contains("; Secure") })
        }
    }

    @Test("Cookies are Secure when the public address is https, or when a trusted proxy says the client came over TLS")
    func secureCookies() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer(proxies: ProxyPolicy(trusted: ["127.0.0.1"])) { soap in
            var proxied = PortalVisitor(client: soap.client, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            let overTLS = try await proxied.get("/portal/sign-in").headers[values: .setCookie]
            #expect(!overTLS.isEmpty && overTLS.allSatisfy { $0.contains("; Secure") })
            var plain = PortalVisitor(client: soap.client, headers: [HTTPField.Name("X-Forwarded-Proto")!: "http"])
            let overHTTP = try await plain.get("/portal/sign-in").headers[values: .setCookie]
            #expect(!overHTTP.isEmpty && !overHTTP.contains { $0.contains("; Secure") })
        }
        try await fixture.withServer(proxies: ProxyPolicy(publicURL: "https://efactuur.example")) { soap in
            var direct = PortalVisitor(client: soap.client)
            let cookies = try await direct.get("/portal/sign-in").headers[values: .setCookie]
            #expect(!cookies.isEmpty && cookies.allSatisfy { $0.contains("; Secure") })
        }
    }

    @Test("Behind a trusted proxy the throttle counts each client's own address; a client's X-Forwarded-For is not believed")
    func throttleBehindProxy() async throws {
        let fixture = try await PlatformFixture.make()
        @Sendable func failTwentyOneTimes(_ attacker: inout PortalVisitor) async throws -> Int {
            let csrf = try await attacker.get("/portal/sign-in").csrf!
            var last = 0
            for attempt in 0...LoginThrottle.Limits().perAddress {
                last = try await attacker.post(
                    "/portal/sign-in", ["csrf": csrf, "email": "iemand-\(attempt)@elders.example", "password": "raden-\(attempt)-xx"]
                ).status
            }
            return last
        }
        @Sendable func signIn(_ visitor: inout PortalVisitor) async throws -> Int {
            let csrf = try await visitor.get("/portal/sign-in").csrf!
            return try await visitor.post("/portal/sign-in", ["csrf": csrf, "email": "eigen@klant.example", "password": "een-goed-wachtwoord"])
                .status
        }
        let client: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "198.51.100.9"]
        let attacker: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "10.1.1.1, 203.0.113.7"]
        try await fixture.withServer(proxies: ProxyPolicy(trusted: ["127.0.0.1"])) { soap in
            var owner = PortalVisitor(client: soap.client, headers: client)
            try await owner.signUp("Klant", email: "eigen@klant.example")
            var failing = PortalVisitor(client: soap.client, headers: attacker)
            let locked = try await failTwentyOneTimes(&failing)
            #expect(locked == 429)
            var returning = PortalVisitor(client: soap.client, headers: client)
            let signedIn = try await signIn(&returning)
            #expect(signedIn == 303)
        }
        // Without a trusted proxy everyone is the peer's address, whatever the header says.
        try await fixture.withServer { soap in
            var failing = PortalVisitor(client: soap.client, headers: attacker)
            let locked = try await failTwentyOneTimes(&failing)
            #expect(locked == 429)
            var returning = PortalVisitor(client: soap.client, headers: client)
            let refused = try await signIn(&returning)
            #expect(refused == 429)
        }
    }

    @Test("The client behind a trusted proxy is the last address the proxies did not add")
    func forwardedFor() {
        let policy = ProxyPolicy(trusted: ["10.0.0.2", "10.0.0.3"])
        #expect(policy.client(peer: "10.0.0.2", forwardedFor: "1.2.3.4, 203.0.113.7") == "203.0.113.7")
        #expect(policy.client(peer: "10.0.0.2", forwardedFor: "203.0.113.7, 10.0.0.3") == "203.0.113.7")
        #expect(policy.client(peer: "10.0.0.2", forwardedFor: "2001:db8::1") == "2001:db8::1")
        #expect(policy.client(peer: "10.0.0.2", forwardedFor: "not-an-address") == nil)
        #expect(policy.client(peer: "10.0.0.2", forwardedFor: nil) == nil)
        #expect(policy.client(peer: "192.0.2.1", forwardedFor: "203.0.113.7") == nil)
        #expect(!policy.overTLS(peer: "192.0.2.1", forwardedProto: "https"))
        // The same proxy however its address is written.
        #expect(policy.client(peer: "::ffff:10.0.0.2", forwardedFor: "[2001:DB8::1]") == "2001:db8::1")
        #expect(policy.overTLS(peer: "10.0.0.3", forwardedProto: "HTTPS"))
    }

    @Test("Every answer carries the security headers: pages, redirects, not-found, assets")
    func securityHeaders() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            var browser = PortalVisitor(client: soap.client)
            // A form is read only up to 64 KiB (an upload to validate up to 20 MiB), and a control
            // character never makes it into a password.
            let csrf = try await browser.get("/portal/sign-up").csrf!
            let big = try await browser.post("/portal/sign-in", ["csrf": csrf, "email": String(repeating: "a", count: 100_000)])
            #expect(big.status == 413)
            let nul = try await browser.post(
                "/portal/sign-up", ["csrf": csrf, "account": "N", "email": "nul@n.example", "password": "\u{0}xxxxxxxxxxxx"])
            #expect(nul.status == 400 && nul.text.contains("control characters"))
            #expect(big.headers[.vary] == "Accept-Language, Cookie")
            for path in ["/portal/sign-in", "/portal", "/portal/organisations", "/portal/static/portal.css", "/portal/validate"] {
                let page = try await browser.get(path)
                #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(path)")
                #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true, "\(path)")
                #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
                #expect(page.headers[.xContentTypeOptions] == "nosniff", "\(path)")
            }
        }
    }

    @Test("A user of one account gets 404 for another account's organisation, keys and documents")
    func accountsAreIsolated() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            var alice = PortalVisitor(client: soap.client)
            try await alice.signUp("Alice BV", email: "alice@alice.example")
            let party = try await alice.createOrganisation("Alice BV", ["kvk": "11223344"])
            let page = try await alice.get("/portal/organisations/\(party)")
            _ = try await alice.post("/portal/organisations/\(party)/keys", ["csrf": page.csrf!])
            let key = try #require(try await fixture.service.connectionKeys(partyID: party).first)
            // A document sent to Alice's organisation by the fixture's supplier.
            let token = try await soap.login(fixture.supplier)
            let sent = try await soap.send(PlatformFixture.invoice(number: "ISO-1"), via: fixture.supplier.partyID, to: party, token: token)
            let externalID = try #require(sent.text("ExternalId"), "\(sent.bytes)")
            #expect(try await alice.get("/portal/organisations/\(party)/documents/\(externalID)").status == 200)

            var mallory = PortalVisitor(client: soap.client)
            try await mallory.signUp("Mallory BV", email: "mallory@mallory.example")
            let csrf = try await mallory.get("/portal/organisations").csrf!
            for path in [
                "/portal/organisations/\(party)", "/portal/organisations/\(party)/inbox", "/portal/organisations/\(party)/outbox",
                "/portal/organisations/\(party)/documents/\(externalID)", "/portal/organisations/\(party)/documents/\(externalID)/xml",
                "/portal/organisations/\(party)/documents/\(externalID)/pdf",
                "/portal/organisations/\(fixture.supplier.partyID)/documents/\(externalID)",
            ] {
                let answer = try await mallory.get(path)
                #expect(answer.status == 404, "\(path)")
                #expect(!answer.text.contains("ISO-1"), "\(path)")
            }
            for path in [
                "/portal/organisations/\(party)", "/portal/organisations/\(party)/keys", "/portal/organisations/\(party)/keys/\(key.appKey)/revoke",
                "/portal/organisations/\(party)/documents/\(externalID)/status",
            ] {
                #expect(try await mallory.post(path, ["csrf": csrf, "code": "50", "name": "Overgenomen"]).status == 404, "\(path)")
            }
            #expect(try await fixture.service.organisation(partyID: party).name == "Alice BV")

            // Alice changes her own organisation. Typing the supplier's KvK gets her nothing: her
            // organisation is unverified, so invoices for that KvK still reach the supplier, and the
            // answer names no other organisation.
            let edit = try await alice.get("/portal/organisations/\(party)")
            #expect(edit.text.contains("Nog niet gecontroleerd"))
            let squat = try await alice.post(
                "/portal/organisations/\(party)", ["csrf": edit.csrf!, "name": "Alice Holding BV", "kvk": "12345678"])
            #expect(squat.location == "/portal/organisations/\(party)")
            #expect(try await fixture.service.findOrganisation(reference: "0106:12345678")?.partyID == fixture.supplier.partyID)
            let toSupplier = try await soap.send(
                PlatformFixture.invoice(number: "ISO-2"), via: fixture.supplier.partyID, to: "0106:12345678", token: token)
            #expect(toSupplier.text("ExternalId") != nil)
            #expect(try await alice.get("/portal/organisations/\(party)/inbox").text.contains("ISO-2") == false)
            #expect(try await fixture.service.organisation(partyID: party).name == "Alice Holding BV")
            #expect(try await fixture.service.organisation(partyID: party).isVerified == false)
            #expect(try await fixture.service.organisation(partyID: party).peppolParticipantIDs.isEmpty)
            // Once the operator verifies it, it keeps that until its numbers change.
            _ = try await fixture.service.updateOrganisation(partyID: party, name: "Alice BV", kvk: "11223344", oin: nil, vat: nil, kbo: nil)
            let verified = try await fixture.service.verifyOrganisation(partyID: party)
            #expect(verified.isVerified)
            // What the SMP publishes it as is what finds it: the same participant ids.
            #expect(verified.peppolParticipantIDs == ["0106:11223344"])
            for participant in verified.peppolParticipantIDs {
                #expect(try await fixture.service.findOrganisation(reference: participant)?.partyID == party)
            }
            #expect(try await alice.get("/portal/organisations/\(party)").text.contains("niet met het Peppol-netwerk verbonden"))
            _ = try await alice.post("/portal/organisations/\(party)", ["csrf": edit.csrf!, "name": "Alice B.V.", "kvk": "11223344"])
            #expect(try await fixture.service.organisation(partyID: party).isVerified)
            _ = try await alice.post("/portal/organisations/\(party)", ["csrf": edit.csrf!, "name": "Alice B.V.", "kvk": "11223345"])
            #expect(try await fixture.service.organisation(partyID: party).isVerified == false)
            #expect(try await fixture.service.connectionKeys(partyID: party).allSatisfy { $0.revokedOn == nil })
            #expect(try await fixture.service.connectionKeys(partyID: party).count == 1)
        }
    }

    @Test("Markup in an invoice's fields shows as text, never as markup")
    func invoiceFieldsAreEscaped() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            var browser = PortalVisitor(client: soap.client)
            try await browser.signUp("Ontvanger", email: "inbox@ontvanger.example")
            let party = try await browser.createOrganisation("Ontvanger", ["kvk": "11223344"])
            let hostile = #"<script>alert(1)</script>"><img src=x onerror=alert(2)>"#
            var invoice = ExampleInvoices.siUBL(number: "XSS-1", lineCount: 1)
            invoice.seller.name = hostile
            invoice.seller.legalEntity?.registrationName = hostile
            invoice.notes = [hostile]
            invoice.lines[0].item.name = hostile
            let payload = String(decoding: UBLWriter().write(invoice), as: UTF8.self)
            let token = try await soap.login(fixture.supplier)
            let sent = try await soap.send(payload, via: fixture.supplier.partyID, to: party, token: token)
            let externalID = try #require(sent.text("ExternalId"), "\(String(decoding: sent.bytes, as: UTF8.self))")
            let inbox = try await browser.get("/portal/organisations/\(party)/inbox")
            #expect(inbox.text.contains(externalID))
            let page = try await browser.get("/portal/organisations/\(party)/documents/\(externalID)")
            #expect(page.status == 200)
            #expect(!page.text.contains("<script>alert") && !page.text.contains("<img src=x"))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            // The status timeline: who set which status when.
            #expect(page.text.contains("<h2>Statusverloop</h2>"))
            #expect(page.text.contains("<li><strong>10 Afgeleverd</strong>"))
            let status = try await browser.post(
                "/portal/organisations/\(party)/documents/\(externalID)/status", ["csrf": page.csrf!, "code": "30"])
            #expect(status.status == 303)
            let after = try await browser.get("/portal/organisations/\(party)/documents/\(externalID)")
            #expect(after.text.contains("<li><strong>30 Verwerkt</strong>") && after.text.contains("inbox@ontvanger.example"))
            // Afgewezen needs a reason; the reason is kept with the status and its history, as text.
            let bare = try await browser.post(
                "/portal/organisations/\(party)/documents/\(externalID)/status", ["csrf": page.csrf!, "code": "50", "reason": "  "])
            #expect(bare.status == 400 && bare.text.contains("Afgewezen"))
            let rejected = try await browser.post(
                "/portal/organisations/\(party)/documents/\(externalID)/status",
                ["csrf": page.csrf!, "code": "50", "reason": "Ordernummer <b>ontbreekt</b>"])
            #expect(rejected.status == 303)
            let rejectedPage = try await browser.get("/portal/organisations/\(party)/documents/\(externalID)")
            #expect(rejectedPage.text.contains("Reden: Ordernummer &lt;b&gt;ontbreekt&lt;/b&gt;"))
            let kept = try await fixture.service.storedDocument(externalID: externalID)
            #expect(kept.status.status == .afgewezen && kept.status.reason == "Ordernummer <b>ontbreekt</b>")
            let tooLong = try await browser.post(
                "/portal/organisations/\(party)/documents/\(externalID)/status",
                ["csrf": page.csrf!, "code": "50", "reason": String(repeating: "x", count: 501)])
            #expect(tooLong.status == 400)
            // The exact bytes come back as the download.
            let xml = try await browser.get("/portal/organisations/\(party)/documents/\(externalID)/xml")
            let stored = try #require(try await fixture.service.storedDocument(externalID: externalID))
            #expect(xml.text == stored.payload)
            #expect(
                stored.payload
                    == payload.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "").trimmingCharacters(in: .newlines))
            #expect(xml.headers[.contentDisposition]?.hasPrefix("attachment") == true)
        }
    }

    @Test("A key made in the portal logs in over SOAP; revoked in the portal, its next login is refused")
    func keysFromThePortal() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            var browser = PortalVisitor(client: soap.client)
            try await browser.signUp("Sleutels BV", email: "beheer@sleutels.example")
            let party = try await browser.createOrganisation("Sleutels BV", ["kvk": "11223344"])
            let page = try await browser.get("/portal/organisations/\(party)")
            let created = try await browser.post("/portal/organisations/\(party)/keys", ["csrf": page.csrf!])
            #expect(created.headers[.cacheControl] == "no-store")
            let text = try #require(created.text.range(of: "APP_KEY:").map { String(created.text[$0.lowerBound...].prefix { $0 != "<" }) })
            let quickConnect = try QuickConnect(parsing: text)
            let keys = PlatformFixture.Party(
                organisation: try await fixture.service.organisation(partyID: party), appKey: quickConnect.appKey, secret: quickConnect.secret)
            _ = try await soap.login(keys)
            // The secret is shown once: the organisation page lists the App Key only.
            let listed = try await browser.get("/portal/organisations/\(party)")
            #expect(listed.text.contains(quickConnect.appKey) && !listed.text.contains(quickConnect.secret))
            let revoked = try await browser.post("/portal/organisations/\(party)/keys/\(quickConnect.appKey)/revoke", ["csrf": listed.csrf!])
            #expect(revoked.status == 303)
            await #expect(throws: (any Error).self) { _ = try await soap.login(keys) }
        }
    }

    @Test("Wrong passwords in a row are slowed down and unlock nothing; the right one works again after the window")
    func wrongPasswordsAreThrottled() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            var owner = PortalVisitor(client: soap.client)
            try await owner.signUp("Doelwit", email: "doel@doelwit.example")
            var attacker = PortalVisitor(client: soap.client)
            let csrf = try await attacker.get("/portal/sign-in").csrf!
            var statuses: [Int: Int] = [:]
            for attempt in 0..<1_000 {
                let answer = try await attacker.post(
                    "/portal/sign-in", ["csrf": csrf, "email": "doel@doelwit.example", "password": "raden-\(attempt)-xx"])
                statuses[answer.status, default: 0] += 1
            }
            #expect(statuses[303] == nil)
            // Sent at once, attempts cannot all pass the check before one is counted: at most the
            // limit's worth is checked (bcrypt), the rest are refused unchecked.
            let fresh = "gelijktijdig@doelwit.example"
            let concurrent = try await withThrowingTaskGroup(of: Int.self) { group in
                for attempt in 0..<24 {
                    group.addTask { [attacker] in
                        var visitor = attacker
                        return try await visitor.post(
                            "/portal/sign-in", ["csrf": csrf, "email": fresh, "password": "raden-\(attempt)-xx"]
                        ).status
                    }
                }
                return try await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(concurrent[401, default: 0] <= 5, "\(concurrent)")
            #expect(statuses[429, default: 0] >= 990, "\(statuses)")
            // The right password during the lock-out is refused too, without being checked.
            let during = try await attacker.post(
                "/portal/sign-in", ["csrf": csrf, "email": "doel@doelwit.example", "password": "een-goed-wachtwoord"])
            #expect(during.status == 429)
            fixture.clock.advance(3600)
            let after = try await attacker.post(
                "/portal/sign-in", ["csrf": csrf, "email": "doel@doelwit.example", "password": "een-goed-wachtwoord"])
            #expect(after.location == "/portal/organisations")
        }
    }

    @Test("Validation in the browser: no account needed, the verdict and rule ids of the validator, nothing stored")
    func validationUpload() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            var visitor = PortalVisitor(client: soap.client)
            let form = try await visitor.get("/portal/validate")
            let valid = UBLWriter().write(ExampleInvoices.siUBL(number: "V-1", lineCount: 2))
            let good = try await visitor.upload("/portal/validate", file: valid, fields: ["csrf": form.csrf!, "ruleset": "auto"])
            #expect(good.status == 200)
            #expect(good.text.contains("Geldig"))
            var broken = String(decoding: valid, as: UTF8.self)
            broken = broken.replacingOccurrences(of: "<cbc:BuyerReference>", with: "<cbc:Note>").replacingOccurrences(
                of: "</cbc:BuyerReference>", with: "</cbc:Note>")
            let report = try Validator().validate(Array(broken.utf8))
            let bad = try await visitor.upload("/portal/validate", file: Array(broken.utf8), fields: ["csrf": form.csrf!, "ruleset": "auto"])
            #expect(bad.status == 422)
            for ruleID in Set(report.findings.map(\.ruleID)) { #expect(bad.text.contains(">\(ruleID)<"), "\(ruleID)") }
            #expect(try await visitor.upload("/portal/validate", file: valid, fields: ["ruleset": "auto"]).status == 403)
            #expect(try await fixture.service.accounts().count == 3)
        }
    }

    @Test("Every word a template asks for is there in Dutch and in English, and the two have the same words")
    func textsAreComplete() throws {
        #expect(Set(Texts.dutch.keys) == Set(Texts.english.keys))
        let asked = Templates.all.values.flatMap { template in
            template.matches(of: /\{\{t\.([A-Za-z]+)\}\}/).map { String($0.1) }
        }
        #expect(!asked.isEmpty)
        for key in Set(asked) { #expect(Texts(.dutch).words[key] != nil && Texts(.english).words[key] != nil, "\(key)") }
        // Every template parses (a fixed text; this is where a mistake in one shows).
        for name in Templates.all.keys { #expect(Templates.library.getTemplate(named: name) != nil, "\(name)") }
    }

    @Test("English as the second language: chosen with ?lang=en and kept, or asked for by the browser")
    func english() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            var dutch = PortalVisitor(client: soap.client)
            let nl = try await dutch.get("/portal/sign-in")
            #expect(nl.text.contains("<html lang=\"nl\">") && nl.text.contains(">Aanmelden<"))
            var visitor = PortalVisitor(client: soap.client)
            let en = try await visitor.get("/portal/sign-in?lang=en")
            #expect(en.text.contains("<html lang=\"en\">") && en.text.contains(">Sign in<") && !en.text.contains("Aanmelden"))
            #expect(try await visitor.get("/portal/sign-up").text.contains("Account name (your company)"), "the choice is kept")
            var browser = PortalVisitor(client: soap.client, headers: [.acceptLanguage: "en-GB,en;q=0.9,nl;q=0.5"])
            #expect(try await browser.get("/portal/validate").text.contains("The file is only checked, never stored."))
            var dutchFirst = PortalVisitor(client: soap.client, headers: [.acceptLanguage: "nl-NL,nl;q=0.9,en;q=0.5"])
            #expect(try await dutchFirst.get("/portal/validate").text.contains("niet bewaard"))

            // A document in English: labels, amounts and dates as English readers write them.
            try await browser.signUp("Receiver Ltd", email: "inbox@receiver.example")
            let party = try await browser.createOrganisation("Receiver Ltd", ["kvk": "11223344"])
            let token = try await soap.login(fixture.supplier)
            let sent = try await soap.send(PlatformFixture.invoice(number: "EN-1"), via: fixture.supplier.partyID, to: party, token: token)
            let externalID = try #require(sent.text("ExternalId"))
            let page = try await browser.get("/portal/organisations/\(party)/documents/\(externalID)")
            #expect(page.text.contains("<h2>Invoice EN-1</h2>") && page.text.contains(">To pay<") && page.text.contains("Status history"))
            #expect(page.text.contains("€") && !page.text.contains("Te betalen"))
        }
    }
}
