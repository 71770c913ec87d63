import EConnectWire

/// Any bytes as a request to /soap/v3: a request or a fault, never a trap. A SendDocument's
/// payload (the document's own bytes, cut out of the envelope) survives being written into a new
/// envelope and read back unchanged: the excerpt is self-contained.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if let request = try? SOAPRequest.parse(bytes, soapAction: nil) {
        let written = Envelope.request(request.body, securityToken: request.securityToken, version: request.version)
        if case .sendDocument(let send) = request.body {
            guard let again = try? SOAPRequest.parse(Array(written.utf8), soapAction: nil),
                case .sendDocument(let reread) = again.body, reread.payload == send.payload
            else { fatalError("the payload did not survive a second envelope") }
        }
    }
    return 0
}
