import { describe, expect, it } from "vitest";
import { blockedAddressReason, targetProblem } from "./ssrf-guard.ts";

describe("webhook target addresses", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "metadata"],
    ["168.63.129.16", "metadata"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["224.0.0.1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd00:ec2::254", "metadata"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "metadata"],
    ["64:ff9b::7f00:1", "reserved"],
    ["2002:7f00:1::", "reserved"],
    ["::7f00:1", "IPv4-compatible"],
  ])("refuses %s (%s)", (address, kind) => {
    expect(blockedAddressReason(address)).toContain(kind);
  });

  it.each(["8.8.8.8", "93.184.216.34", "::ffff:8.8.8.8", "2606:4700::1111"])(
    "allows the public address %s",
    (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );

  it("checks the scheme, then every resolved address, unless private targets are allowed", async () => {
    expect(await targetProblem("ftp://8.8.8.8/", false)).not.toBeNull();
    expect(await targetProblem("http://8.8.8.8/hook", false)).toBeNull();
    expect((await targetProblem("http://localhost:3000/hook", false))?.message).toContain("loopback");
    expect((await targetProblem("http://[::ffff:a00:1]/", false))?.message).toContain("private");
    expect(await targetProblem("http://localhost:3000/hook", true)).toBeNull();
    expect(await targetProblem("file:///etc/passwd", true)).not.toBeNull();
  });
});
