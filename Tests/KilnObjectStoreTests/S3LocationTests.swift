import Testing

@testable import KilnObjectStore

@Suite("Object store locations and answers")
struct S3LocationTests {
    @Test("An s3:// URL gives the bucket, prefix, endpoint, region and keys, the URL's keys first")
    func parsesLocations() throws {
        let environment = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "envsecret"]
        let plain = try S3Location(parsing: "s3://kiln-blocks?endpoint=http://127.0.0.1:8333/&region=eu-west-1", environment: environment)
        #expect(plain.bucket == "kiln-blocks")
        #expect(plain.keyPrefix == "")
        #expect(plain.endpoint == "http://127.0.0.1:8333")
        #expect(plain.region == "eu-west-1")
        #expect(plain.accessKeyID == "AKIDENV")
        #expect(plain.hostHeader == "127.0.0.1:8333")
        #expect(plain.appending(folder: "blocks").keyPrefix == "blocks/")

        let kilnKeys = environment.merging(["KILN_BLOCKS_ACCESS_KEY_ID": "AKIDKILN", "KILN_BLOCKS_SECRET_ACCESS_KEY": "kilnsecret"]) { $1 }
        let nested = try S3Location(parsing: "s3://b/cluster/one/?endpoint=https://s3.example.test", environment: kilnKeys)
        #expect(nested.keyPrefix == "cluster/one/")
        #expect(nested.region == "us-east-1")
        #expect(nested.accessKeyID == "AKIDKILN")
        #expect(nested.secretAccessKey == "kilnsecret")
        #expect(nested.hostHeader == "s3.example.test")

        let inURL = try S3Location(parsing: "s3://b?endpoint=http://h:80&access_key_id=AKIDURL&secret_access_key=urlsecret", environment: kilnKeys)
        #expect(inURL.accessKeyID == "AKIDURL")
        #expect(inURL.secretAccessKey == "urlsecret")
        #expect(inURL.hostHeader == "h")

        let aws = try S3Location(parsing: "s3://b?region=ap-south-1", environment: environment)
        #expect(aws.endpoint == "https://s3.ap-south-1.amazonaws.com")
    }

    @Test("A location that cannot work is refused with the reason")
    func refusesBadLocations() {
        let keys = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]
        for (text, reason) in [
            ("http://bucket", "s3://BUCKET"),
            ("s3://?endpoint=http://h", "s3://BUCKET"),
            ("s3://b?endpoint=ftp://h", "http:// or https://"),
            ("s3://b?endpoint=http://h&colour=blue", "unknown parameter 'colour'"),
        ] {
            #expect(throws: ObjectStoreError.self) { try S3Location(parsing: text, environment: keys) }
            let message =
                (try? S3Location(parsing: text, environment: keys)).map { "\($0)" } ?? describe { try S3Location(parsing: text, environment: keys) }
            #expect(message.contains(reason), "\(text): \(message)")
        }
        #expect(describe { try S3Location(parsing: "s3://b?endpoint=http://h", environment: [:]) }.contains("no credentials"))
    }

    @Test("Listings, errors and escapes are read from S3's XML")
    func readsXML() {
        let listing = Array(
            """
            <?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix>blocks/</Prefix>\
            <Contents><Key>blocks/a&amp;b.pack</Key><Size>3</Size></Contents><Contents><Key>blocks/c&lt;d&#x41;&#66;</Key></Contents>\
            <IsTruncated>true</IsTruncated><NextContinuationToken>tok/en=</NextContinuationToken></ListBucketResult>
            """.utf8
        )
        #expect(S3XML.elements("Key", in: listing) == ["blocks/a&b.pack", "blocks/c<dAB"])
        #expect(S3XML.elements("IsTruncated", in: listing) == ["true"])
        #expect(S3XML.elements("NextContinuationToken", in: listing) == ["tok/en="])
        #expect(S3XML.unescape("no entity & here") == "no entity & here")
        #expect(S3XML.escape("a<b&c>") == "a&lt;b&amp;c&gt;")
    }

    private func describe(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }
}
