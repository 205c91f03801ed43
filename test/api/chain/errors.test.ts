// The error shapes ethers v6 produces on its different call paths, built by hand so each one is checked on its own;
// embedded-chain.test.ts checks real reverts from a node.
import { expect } from "chai";
import { Interface } from "ethers";
import { decodeChainError } from "../../../api/src/chain";
import { OrgRegistry__factory } from "../../../typechain-types/factories/contracts/OrgRegistry__factory";

const registryInterface = new Interface(OrgRegistry__factory.abi);
const caller = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const notAdminData = registryInterface.encodeErrorResult("OrgRegistryNotAdmin", [7, caller]);
const notAdmin = { kind: "revert", name: "OrgRegistryNotAdmin", args: { orgId: 7, caller } };

describe("decodeChainError", function () {
  describe("reverts", function () {
    it("should decode revert data ethers put on the error itself", function () {
      expect(decodeChainError({ code: "CALL_EXCEPTION", data: notAdminData })).to.deep.equal(notAdmin);
    });

    it("should decode revert data the node returned inside info.error", function () {
      const error = { code: "CALL_EXCEPTION", data: null, info: { error: { code: 3, message: "execution reverted", data: notAdminData } } };
      expect(decodeChainError(error)).to.deep.equal(notAdmin);
    });

    it("should decode revert data nested one level deeper, as some nodes wrap it", function () {
      const error = { code: "UNKNOWN_ERROR", error: { code: -32000, data: { message: "reverted", data: notAdminData } } };
      expect(decodeChainError(error)).to.deep.equal(notAdmin);
    });

    it("should name the arguments of a revert ethers decoded without keeping the data", function () {
      const error = { code: "CALL_EXCEPTION", data: null, revert: { name: "OrgRegistryNotAdmin", signature: "", args: [7n, caller] } };
      expect(decodeChainError(error)).to.deep.equal(notAdmin);
    });

    it("should decode Solidity's built-in Error(string)", function () {
      const data = new Interface([]).encodeErrorResult("Error(string)", ["nope"]);
      expect(decodeChainError({ data })).to.deep.equal({ kind: "revert", name: "Error", args: { "0": "nope" } });
    });

    it("should keep an argument too large for a number exact, as a decimal string", function () {
      const data = registryInterface.encodeErrorResult("SafeCastOverflowedUintDowncast", [48, 2n ** 60n]);
      expect(decodeChainError({ data })).to.deep.equal({
        kind: "revert",
        name: "SafeCastOverflowedUintDowncast",
        args: { bits: 48, value: (2n ** 60n).toString() },
      });
    });

    it("should report data with a selector none of the contracts declares as unknown, showing the data", function () {
      const decoded = decodeChainError({ code: "CALL_EXCEPTION", data: "0xdeadbeef" });
      expect(decoded).to.deep.equal({ kind: "unknown", message: "reverted with unrecognised data 0xdeadbeef" });
    });
  });

  describe("an unreachable node", function () {
    it("should recognise a refused connection", function () {
      const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
      expect(decodeChainError(error)).to.deep.equal({ kind: "unavailable", message: "connect ECONNREFUSED 127.0.0.1:8545" });
    });

    it("should recognise a transport failure wrapped as the cause of another error", function () {
      const error = new Error("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND chain"), { code: "ENOTFOUND" }) });
      expect(decodeChainError(error)).to.deep.equal({ kind: "unavailable", message: "fetch failed" });
    });

    it("should recognise ethers' own timeout", function () {
      const error = Object.assign(new Error("request timeout"), { code: "TIMEOUT", shortMessage: "request timeout" });
      expect(decodeChainError(error)).to.deep.equal({ kind: "unavailable", message: "request timeout" });
    });
  });

  describe("anything else", function () {
    it("should report the message as unknown", function () {
      expect(decodeChainError(new Error("nonce too low"))).to.deep.equal({ kind: "unknown", message: "nonce too low" });
      expect(decodeChainError("weird")).to.deep.equal({ kind: "unknown", message: "weird" });
    });
  });
});
