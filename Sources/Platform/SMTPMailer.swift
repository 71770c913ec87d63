import EInvoice
import Foundation
import NIOCore
import NIOPosix

/// Delivers documents by e-mail through an SMTP relay: a short message naming the invoice, with
/// the UBL document attached as `{invoice number}.xml`.
///
/// Plain SMTP (RFC 5321) to a relay the operator runs next to the platform, the usual setup for
/// an access point; the relay does TLS and onward delivery.
public struct SMTPMailer: DocumentMailer {
    public var host: String
    public var port: Int
    public var from: String
    public var heloName: String
    public var timeout: Duration

    public init(host: String, port: Int = 25, from: String, heloName: String = "efactuur.local", timeout: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.from = from
        self.heloName = heloName
        self.timeout = timeout
    }

    public struct SMTPError: OutsideDeliveryFailure, CustomStringConvertible {
        public var step: String
        public var reply: String
        public var description: String { "SMTP \(step) refused: \(reply)" }

        /// A 5xx reply to the recipient or the message will not change on a retry.
        public var isPermanent: Bool {
            ["MAIL FROM", "RCPT TO", "DATA", "message"].contains(step) && reply.hasPrefix("5")
        }

        public var publicReason: String {
            switch (isPermanent, step) {
            case (true, "RCPT TO"): "het e-mailadres van de ontvanger werd geweigerd"
            case (true, _): "de mailserver weigerde het bericht"
            default: "de mailserver was niet bereikbaar of gaf een tijdelijke fout"
            }
        }
    }

    public func deliver(_ document: StoredDocument, to address: String, senderName: String) async throws {
        guard EmailAddress.isPlausible(address), EmailAddress.isPlausible(from) else {
            throw SMTPError(step: "RCPT TO", reply: "'\(address)' is not an address this mailer sends to")
        }
        let message = Self.message(document, from: from, to: address, senderName: senderName)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.converse(recipient: address, message: message) }
                group.addTask {
                    try await Task.sleep(for: self.timeout)
                    throw SMTPError(step: "connection", reply: "no answer within \(self.timeout)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            // Connection refused, reset, unknown host: for the log, with where it was going.
            throw SMTPError(step: "connection", reply: "\(host):\(port): \(error)")
        }
    }

    private func converse(recipient: String, message: String) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = SMTPReplies(inbound.makeAsyncIterator())
            func expect(_ step: String, _ codes: Set<Int>) async throws {
                let (code, text) = try await replies.next()
                guard codes.contains(code) else { throw SMTPError(step: step, reply: "\(code) \(text)") }
            }
            func send(_ line: String, _ step: String, _ codes: Set<Int>) async throws {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                try await expect(step, codes)
            }
            try await expect("greeting", [220])
            try await send("EHLO \(heloName)", "EHLO", [250])
            try await send("MAIL FROM:<\(from)>", "MAIL FROM", [250])
            try await send("RCPT TO:<\(recipient)>", "RCPT TO", [250, 251])
            try await send("DATA", "DATA", [354])
            try await send(message + "\r\n.", "message", [250])
            try await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }

    /// The MIME message, lines dot-stuffed for DATA.
    static func message(_ document: StoredDocument, from: String, to: String, senderName: String) -> String {
        let boundary = "efactuur-\(document.externalID)"
        // The invoice number is the sender's: one harmless ASCII name, whatever it holds.
        let number = document.subject.split(separator: " ").last.map(String.init) ?? document.externalID
        let safeFileName = String(
            String.UnicodeScalarView(FileName.safe(number + ".xml").unicodeScalars.map { $0.isASCII ? $0 : "_" }))
        let attachment = Data(document.payload.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        let date = DateFormatter.rfc5322.string(from: document.createdOn)
        // Header values come from the document and the organisation: no line breaks get through.
        func header(_ value: String) -> String {
            String(String.UnicodeScalarView(value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        }
        let subject = String(header(document.subject).prefix(200))
        let sender = String(header(senderName).prefix(200))
        let lines =
            [
                "From: efactuur <\(from)>",
                "To: <\(to)>",
                "Subject: " + MIMEHeader.encoded("\(subject) van \(sender)", after: "Subject: ".count),
                "Date: \(date)",
                "Message-ID: <\(document.externalID).\(document.revision)@efactuur>",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"\(boundary)\"",
                "",
                "--\(boundary)",
                "Content-Type: text/plain; charset=utf-8",
                "",
                "\(sender) stuurt u \(subject.lowercased()) als e-factuur (SI-UBL 2.0).",
                "Delivery ID: \(document.externalID)",
                "",
                "--\(boundary)",
                "Content-Type: application/xml; name=\"\(safeFileName)\"",
                "Content-Disposition: attachment; filename=\"\(safeFileName)\"",
                "Content-Transfer-Encoding: base64",
                "",
            ] + attachment.components(separatedBy: "\r\n") + ["--\(boundary)--"]
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }
}

/// Header values as RFC 5322 and RFC 2047 want them: plain when short printable ASCII, otherwise
/// UTF-8 encoded words of at most 75 characters, one per folded line.
enum MIMEHeader {
    static func encoded(_ value: String, after prefixLength: Int) -> String {
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && prefixLength + value.utf8.count <= 78
            && !value.contains("=?")
        {
            return value
        }
        // Each line holds at most 76 characters: the header's name (or the folding space), then
        // `=?UTF-8?B?` and `?=` around base64 of whole characters, 3 bytes per 4 characters.
        func capacity(_ used: Int) -> Int { max(3, (76 - used - 12) / 4 * 3) }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = capacity(prefixLength)
        for character in value {
            let bytes = Array(character.utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > limit {
                words.append(word(chunk))
                chunk = []
                limit = capacity(1)
            }
            chunk += bytes.prefix(limit)
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}

/// Reads SMTP replies (`250-…` continuation lines up to `250 …`) from a byte stream.
struct SMTPReplies {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending = ""

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    mutating func line() async throws -> String {
        while true {
            if let range = pending.range(of: "\r\n") {
                let line = String(pending[..<range.lowerBound])
                pending.removeSubrange(..<range.upperBound)
                return line
            }
            guard let buffer = try await iterator.next() else {
                throw SMTPMailer.SMTPError(step: "connection", reply: "closed by the server")
            }
            pending += String(buffer: buffer)
        }
    }

    mutating func next() async throws -> (Int, String) {
        while true {
            let line = try await line()
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw SMTPMailer.SMTPError(step: "reply", reply: line)
            }
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                return (code, String(line.dropFirst(4)))
            }
        }
    }
}

extension DateFormatter {
    static let rfc5322: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter
    }()
}
