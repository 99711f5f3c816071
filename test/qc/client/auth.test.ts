import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { qcAuthHeaders } from "../../../services/qc/client/auth.js";
import { checkAuth } from "../../helpers/qc-api-server.js";

describe("qcAuthHeaders", () => {
  it("matches QuantConnect's scheme on a vector computed independently (Python hashlib)", () => {
    expect(qcAuthHeaders({ userId: "12345", apiToken: "abc123token" }, 1_700_000_000.9)).toEqual({
      Timestamp: "1700000000",
      Authorization:
        "Basic MTIzNDU6NTI3ZmY2YzczZTdkZWY2ZDFhZTNjOTdkYWQ2YTAyOWY4NDJkM2RmYmZlZTAzYTJkNjU0OTEwNzkyMWI4NGE5OQ==",
    });
  });

  it("never puts the token itself in a header", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 64 }), fc.integer({ min: 0, max: 4_102_444_800 }), (token, time) => {
        const headers = qcAuthHeaders({ userId: "7", apiToken: token }, time);
        const decoded = Buffer.from(headers.Authorization.slice("Basic ".length), "base64").toString("utf8");
        expect(decoded).not.toContain(token);
        expect(decoded).toMatch(/^7:[0-9a-f]{64}$/);
      }),
    );
  });

  it("is accepted by the stand-in's verifier for any user, token and time, and only with the right token and a fresh time", () => {
    const userIds = fc.stringMatching(/^[0-9]{1,10}$/);
    fc.assert(
      fc.property(userIds, fc.string({ minLength: 8, maxLength: 40 }), fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }), (userId, token, time) => {
        const headers = qcAuthHeaders({ userId, apiToken: token }, time);
        const lower = { timestamp: headers.Timestamp, authorization: headers.Authorization };
        expect(checkAuth(lower, userId, token, 30, time * 1000)).toBeUndefined();
        expect(checkAuth(lower, userId, `${token}x`, 30, time * 1000)).toBe("Hash doesn't match.");
        expect(checkAuth(lower, userId, token, 30, (time + 31) * 1000)).toMatch(/clock skew/);
      }),
    );
  });
});
