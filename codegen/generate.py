#!/usr/bin/env python3
"""Writes Kiln's wire shapes from the AWS service models that ship inside botocore.

For each service in codegen/operations.json it reads botocore's service-2.json, walks every
shape that the listed operations reach, and writes one Swift file under
Sources/KilnWire/Generated/: a namespace enum (EC2, STS, ...), a struct per structure shape,
an open enumeration per string enum, and an operation type per operation. Wire names are
resolved here, for the service's protocol, so the Swift codecs stay protocol-generic.

Only names and types are taken from the models; no documentation text is copied.
The output is deterministic: running it twice writes the same bytes.

Usage: python3 codegen/generate.py [--check]
  --check  exit 1 if a generated file would change (for tests and CI).
"""

import argparse
import gzip
import json
import os
import re
import sys

import botocore

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Sources", "KilnWire", "Generated")
BOTOCORE_DATA = os.path.join(os.path.dirname(botocore.__file__), "data")

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
    "inout", "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static",
    "struct", "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do",
    "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while",
    "as", "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try", "Type",
    "Protocol", "any", "some",
}

PRIMITIVES = {
    "string": "Swift.String",
    "integer": "Swift.Int",
    "long": "Swift.Int",
    "boolean": "Swift.Bool",
    "double": "Swift.Double",
    "float": "Swift.Double",
    "timestamp": "Foundation.Date",
    "blob": "Blob",
}


def load_model(name):
    path = os.path.join(BOTOCORE_DATA, name, "service-2.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    with gzip.open(path + ".gz") as f:
        return json.load(f)


def lower_camel(name):
    """`KmsKeyId` -> `kmsKeyId`, `SSEType` -> `sseType`, `IOPS` -> `iops`."""
    match = re.match(r"^([A-Z]+)(?=[A-Z][a-z]|$|[0-9])", name)
    if match:
        head = match.group(1)
        result = head.lower() + name[len(head):]
    else:
        result = name[:1].lower() + name[1:]
    return result


def identifier(name):
    name = re.sub(r"[^A-Za-z0-9_]", "", name)
    if name in SWIFT_KEYWORDS:
        return "`%s`" % name
    return name


def enum_case_name(value):
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", value) if p]
    if not parts:
        return "empty"
    first = parts[0]
    first = first.lower() if first.isupper() else first[:1].lower() + first[1:]
    rest = "".join(p[:1].upper() + p[1:] for p in parts[1:])
    name = first + rest
    if name[0].isdigit():
        name = "_" + name
    return identifier(name)


def swift_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Service:
    def __init__(self, key, config):
        self.key = key
        self.model = load_model(config["model"])
        self.namespace = config["namespace"]
        self.operations = config["operations"]
        self.protocol = self.model["metadata"]["protocol"]
        self.shapes = self.model["shapes"]
        self.decoded = set()  # structure shapes read from requests
        self.encoded = set()  # structure shapes written in responses
        self.enums = set()
        for name in self.operations:
            op = self.model["operations"][name]
            if "input" in op:
                self.walk(op["input"]["shape"], self.decoded)
            if "output" in op:
                self.walk(op["output"]["shape"], self.encoded)

    def walk(self, name, into):
        shape = self.shapes[name]
        kind = shape["type"]
        if kind == "structure":
            if name in into:
                return
            into.add(name)
            for member in shape.get("members", {}).values():
                self.walk(member["shape"], into)
        elif kind == "list":
            self.walk(shape["member"]["shape"], into)
        elif kind == "map":
            self.walk(shape["key"]["shape"], into)
            self.walk(shape["value"]["shape"], into)
        elif kind == "string" and "enum" in shape:
            self.enums.add(name)

    # Types

    def type_name(self, name):
        return identifier(name)

    def swift_type(self, name):
        shape = self.shapes[name]
        kind = shape["type"]
        if kind == "structure":
            return self.type_name(name)
        if kind == "list":
            return "[%s]" % self.swift_type(shape["member"]["shape"])
        if kind == "map":
            return "[Swift.String: %s]" % self.swift_type(shape["value"]["shape"])
        if kind == "string" and "enum" in shape:
            return self.type_name(name)
        return PRIMITIVES[kind]

    # Wire names, per protocol

    def input_name(self, member_name, member):
        if self.protocol == "ec2":
            if "queryName" in member:
                return member["queryName"]
            if "locationName" in member:
                location = member["locationName"]
                return location[:1].upper() + location[1:]
            return member_name
        return member.get("locationName", member_name)

    def output_name(self, member_name, member):
        return member.get("locationName", member_name)

    def list_entry_name(self, list_shape):
        return list_shape["member"].get("locationName", "member")

    def is_query(self):
        return self.protocol in ("ec2", "query")

    # Emission

    def members(self, name):
        return sorted(self.shapes[name].get("members", {}).items())

    def property_name(self, member_name):
        return identifier(lower_camel(member_name))

    def emit_struct(self, out, name):
        shape = self.shapes[name]
        required = set(shape.get("required", []))
        type_name = self.type_name(name)
        out.append("    /// The `%s` shape." % name)
        out.append("    public struct %s: Sendable, Equatable {" % type_name)
        params = []
        for member_name, member in self.members(name):
            swift_type = self.swift_type(member["shape"])
            prop = self.property_name(member_name)
            if member_name in required:
                out.append("        public var %s: %s" % (prop, swift_type))
                params.append("%s: %s" % (prop, swift_type))
            else:
                out.append("        public var %s: %s?" % (prop, swift_type))
                params.append("%s: %s? = nil" % (prop, swift_type))
        out.append("")
        out.append("        /// Creates the shape from its members.")
        if params:
            out.append("        public init(")
            out.append(",\n".join("            " + p for p in params))
            out.append("        ) {")
        else:
            out.append("        public init() {")
        for member_name, _ in self.members(name):
            prop = self.property_name(member_name)
            out.append("            self.%s = %s" % (prop, prop))
        out.append("        }")
        out.append("    }")

    def read_call(self, member_name, member):
        shape = self.shapes[member["shape"]]
        location = member.get("location")
        wire = self.input_name(member_name, member)
        location_arg = ""
        if self.protocol == "rest-json":
            payload = self.current_payload
            if member_name == payload:
                location_arg = ", in: .payload"
            elif location in ("uri", "querystring", "header"):
                location_arg = ", in: .%s" % location
        if shape["type"] == "list":
            member_arg = ""
            if self.protocol == "query" and not shape.get("flattened"):
                member_arg = ", member: %s" % swift_string(self.list_entry_name(shape))
            return "reader.list(%s%s%s)" % (swift_string(wire), member_arg, location_arg), wire
        if shape["type"] == "map":
            if self.protocol == "query":
                args = ", entry: %s, key: %s, value: %s, flattened: %s" % (
                    swift_string("entry"),
                    swift_string(shape["key"].get("locationName", "key")),
                    swift_string(shape["value"].get("locationName", "value")),
                    "true" if shape.get("flattened") else "false",
                )
                return "reader.map(%s%s)" % (swift_string(wire), args), wire
            return "reader.map(%s)" % swift_string(wire), wire
        return "reader.value(%s%s)" % (swift_string(wire), location_arg), wire

    def emit_decodable(self, out, name):
        shape = self.shapes[name]
        required = set(shape.get("required", []))
        self.current_payload = shape.get("payload")
        out.append("extension %s.%s: WireStructureDecodable {" % (self.namespace, self.type_name(name)))
        out.append("    public init(wire reader: WireReader) throws {")
        for member_name, member in self.members(name):
            call, wire = self.read_call(member_name, member)
            prop = self.property_name(member_name)
            if member_name in required:
                out.append("        self.%s = try reader.required(%s, %s)" % (prop, call, swift_string(wire)))
            else:
                out.append("        self.%s = try %s" % (prop, call))
        out.append("    }")
        out.append("}")

    def emit_encodable(self, out, name):
        shape = self.shapes[name]
        payload = shape.get("payload")
        header_members = []
        body_lines = []
        for member_name, member in self.members(name):
            prop = self.property_name(member_name)
            member_shape = self.shapes[member["shape"]]
            location = member.get("location")
            if self.protocol == "rest-json" and (location or member_name == payload):
                if location == "header":
                    header_members.append((member["locationName"], prop, member_shape["type"], member_name in shape.get("required", [])))
                continue
            wire = self.output_name(member_name, member)
            if member_shape["type"] == "list":
                if member_shape.get("flattened"):
                    raise SystemExit("flattened output list %s.%s is not supported" % (name, member_name))
                body_lines.append(
                    "        writer.list(%s, member: %s, %s)" % (swift_string(wire), swift_string(self.list_entry_name(member_shape)), prop)
                )
            elif member_shape["type"] == "map":
                body_lines.append(
                    "        writer.map(%s, key: %s, value: %s, %s)"
                    % (
                        swift_string(wire),
                        swift_string(member_shape["key"].get("locationName", "key")),
                        swift_string(member_shape["value"].get("locationName", "value")),
                        prop,
                    )
                )
            else:
                body_lines.append("        writer.member(%s, %s)" % (swift_string(wire), prop))
        out.append("extension %s.%s: WireStructureEncodable {" % (self.namespace, self.type_name(name)))
        if body_lines:
            out.append("    public func encodeMembers<Writer: WireWriter>(to writer: Writer) {")
            out.extend(body_lines)
            out.append("    }")
        else:
            out.append("    public func encodeMembers<Writer: WireWriter>(to writer: Writer) {}")
        out.append("}")
        if self.protocol == "rest-json":
            out.append("")
            out.append("extension %s.%s: RESTOutput {" % (self.namespace, self.type_name(name)))
            if header_members:
                out.append("    public var restHeaders: [(Swift.String, Swift.String)] {")
                out.append("        var headers: [(Swift.String, Swift.String)] = []")
                for header, prop, kind, is_required in header_members:
                    if is_required:
                        out.append("        headers.append((%s, headerText(%s)))" % (swift_string(header), prop))
                    else:
                        out.append("        if let value = %s { headers.append((%s, headerText(value))) }" % (prop, swift_string(header)))
                out.append("        return headers")
                out.append("    }")
            else:
                out.append("    public var restHeaders: [(Swift.String, Swift.String)] { [] }")
            if payload and self.shapes[shape["members"][payload]["shape"]]["type"] == "blob":
                optional = "" if payload in shape.get("required", []) else "?"
                out.append("    public var restPayload: [Swift.UInt8]? { %s%s.bytes }" % (self.property_name(payload), optional))
            else:
                out.append("    public var restPayload: [Swift.UInt8]? { nil }")
            out.append("}")

    def emit_enum(self, out, name):
        shape = self.shapes[name]
        type_name = self.type_name(name)
        out.append("    /// The `%s` enumeration." % name)
        out.append("    public struct %s: WireEnumeration {" % type_name)
        out.append("        public let rawValue: Swift.String")
        out.append("")
        out.append("        /// Any value, known or not.")
        out.append("        public init(rawValue: Swift.String) { self.rawValue = rawValue }")
        used = set()
        cases = []
        for value in sorted(shape["enum"]):
            case = enum_case_name(value)
            base = case
            n = 2
            while case in used or case in ("rawValue", "init"):
                case = "%s%d" % (base.strip("`"), n)
                n += 1
            used.add(case)
            cases.append((case, value))
        if cases:
            out.append("")
        for case, value in cases:
            out.append("        public static let %s = %s(rawValue: %s)" % (case, type_name, swift_string(value)))
        out.append("    }")

    def emit_operation(self, out, name):
        op = self.model["operations"][name]
        input_type = self.type_name(op["input"]["shape"]) if "input" in op else "EmptyInput"
        output_type = self.type_name(op["output"]["shape"]) if "output" in op else "EmptyOutput"
        http = op.get("http", {})
        out.append("    /// The `%s` operation." % name)
        out.append("    public enum %s: WireOperation {" % self.type_name(name))
        out.append("        public typealias Input = %s" % input_type)
        out.append("        public typealias Output = %s" % output_type)
        out.append("        public static let name = %s" % swift_string(name))
        out.append(
            "        public static let http = HTTPBinding(method: %s, requestURI: %s, responseCode: %d)"
            % (swift_string(http.get("method", "POST")), swift_string(http.get("requestUri", "/")), http.get("responseCode", 200))
        )
        out.append("    }")

    def render(self):
        meta = self.model["metadata"]
        out = [
            "// Generated by codegen/generate.py from the %s model in botocore %s. Do not edit."
            % (self.key, botocore.__version__),
            "// Shape and member names come from the model; the model's documentation is not copied.",
            "",
            "import Foundation",
            "",
            "/// %s (%s protocol, API version %s): the shapes and operations Kiln speaks."
            % (meta.get("serviceId", self.namespace), self.protocol, meta["apiVersion"]),
            "public enum %s {" % self.namespace,
            "    /// The model's API version, as the query protocols' `Version=` carries it.",
            "    public static let apiVersion = %s" % swift_string(meta["apiVersion"]),
            "    /// The service's signing name, the fourth part of a SigV4 credential scope.",
            "    public static let signingName = %s" % swift_string(meta.get("signingName", meta["endpointPrefix"])),
        ]
        if "targetPrefix" in meta:
            out.append("    /// The `X-Amz-Target` prefix of the JSON protocol.")
            out.append("    public static let targetPrefix = %s" % swift_string(meta["targetPrefix"]))
        if "xmlNamespace" in meta:
            out.append("    /// The namespace of the XML responses.")
            out.append("    public static let xmlNamespace = %s" % swift_string(meta["xmlNamespace"].rstrip("/") + "/"))
        out.append("    /// The error shapes of the model, by the code clients see.")
        errors = []
        for shape_name, shape in sorted(self.shapes.items()):
            if shape.get("exception"):
                info = shape.get("error", {})
                code = info.get("code", shape_name)
                status = info.get("httpStatusCode", 400)
                errors.append((code, status))
        if errors:
            out.append("    public static let modeledErrors: [Swift.String: ModeledError] = [")
            for code, status in sorted(set(errors)):
                out.append("        %s: ModeledError(code: %s, status: %d)," % (swift_string(code), swift_string(code), status))
            out.append("    ]")
        else:
            out.append("    public static let modeledErrors: [Swift.String: ModeledError] = [:]")
        out.append("}")
        out.append("")

        out.append("// MARK: - Operations")
        out.append("")
        out.append("extension %s {" % self.namespace)
        for i, name in enumerate(sorted(self.operations)):
            if i:
                out.append("")
            self.emit_operation(out, name)
        out.append("}")
        out.append("")

        structures = sorted(self.decoded | self.encoded)
        operation_names = set(self.operations)
        for name in structures + sorted(self.enums):
            if self.type_name(name) in operation_names:
                raise SystemExit("shape %s collides with an operation name" % name)
        out.append("// MARK: - Structures")
        out.append("")
        out.append("extension %s {" % self.namespace)
        for i, name in enumerate(structures):
            if i:
                out.append("")
            self.emit_struct(out, name)
        out.append("}")
        out.append("")
        if self.enums:
            out.append("// MARK: - Enumerations")
            out.append("")
            out.append("extension %s {" % self.namespace)
            for i, name in enumerate(sorted(self.enums)):
                if i:
                    out.append("")
                self.emit_enum(out, name)
            out.append("}")
            out.append("")
        out.append("// MARK: - Reading requests")
        for name in sorted(self.decoded):
            out.append("")
            self.emit_decodable(out, name)
        out.append("")
        out.append("// MARK: - Writing responses")
        for name in sorted(self.encoded):
            out.append("")
            self.emit_encodable(out, name)
        return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Generate Kiln's wire shapes from botocore's models.")
    parser.add_argument("--check", action="store_true", help="fail if a generated file would change")
    args = parser.parse_args()
    with open(os.path.join(ROOT, "codegen", "operations.json")) as f:
        config = json.load(f)
    os.makedirs(OUT_DIR, exist_ok=True)
    stale = []
    expected = set()
    for key, service_config in sorted(config["services"].items()):
        service = Service(key, service_config)
        text = service.render()
        path = os.path.join(OUT_DIR, service.namespace + ".swift")
        expected.add(os.path.basename(path))
        current = open(path).read() if os.path.exists(path) else None
        if current != text:
            stale.append(path)
            if not args.check:
                with open(path, "w") as f:
                    f.write(text)
    for leftover in sorted(set(os.listdir(OUT_DIR)) - expected):
        stale.append(os.path.join(OUT_DIR, leftover))
        if not args.check:
            os.remove(os.path.join(OUT_DIR, leftover))
    if args.check and stale:
        print("generated files are out of date: " + ", ".join(os.path.relpath(p, ROOT) for p in stale))
        print("run: python3 codegen/generate.py")
        return 1
    if not args.check:
        print("generated %d files, %d changed" % (len(expected), len(stale)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
