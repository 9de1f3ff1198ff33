import { describe, expect, it } from "vitest";
import { list, page, paramsFrom, tagList } from "./query.js";
import { queryErrorXml, queryResponseXml, toXml } from "./xml.js";

describe("query protocol", () => {
  it("reads member lists and tags in index order", () => {
    const p = paramsFrom([
      ["ClientIDList.member.2", "b"],
      ["ClientIDList.member.1", "a"],
      ["Tags.member.1.Key", "k"],
      ["Tags.member.1.Value", "v"],
      ["Tags.member.10.Key", "k10"],
    ]);
    expect(list(p, "ClientIDList")).toEqual(["a", "b"]);
    expect(list(p, "Missing")).toBeUndefined();
    expect(tagList(p)).toEqual([
      { Key: "k", Value: "v" },
      { Key: "k10", Value: "" },
    ]);
  });

  it("pages with an opaque Marker", () => {
    const items = ["a", "b", "c"];
    const first = page(items, paramsFrom([["MaxItems", "2"]]));
    expect(first).toMatchObject({ items: ["a", "b"], IsTruncated: true });
    expect(
      page(
        items,
        paramsFrom([
          ["MaxItems", "2"],
          ["Marker", first.Marker!],
        ]),
      ),
    ).toEqual({ items: ["c"], IsTruncated: false, Marker: undefined });
    expect(() => page(items, paramsFrom([["MaxItems", "0"]]))).toThrow(/greater than or equal to 1/);
  });

  it("writes XML as botocore's query parser expects: members, ISO timestamps, escaped text", () => {
    expect(toXml("R", { A: ["x<y"], D: new Date("2026-01-02T03:04:05.678Z"), B: true, U: undefined })).toBe(
      "<R><A><member>x&lt;y</member></A><D>2026-01-02T03:04:05Z</D><B>true</B></R>",
    );
    expect(queryResponseXml("GetRole", "ns", undefined, "rid")).toContain(
      '<GetRoleResponse xmlns="ns"><ResponseMetadata><RequestId>rid</RequestId>',
    );
    expect(queryErrorXml("ns", { type: "Sender", code: "NoSuchEntity", message: "a & b" }, "rid")).toContain(
      "<Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>a &amp; b</Message></Error><RequestId>rid</RequestId>",
    );
  });
});
