import { expect } from "chai";
import fc from "fast-check";
import { keccak256 as ethersKeccak256, toUtf8Bytes } from "ethers";
import { fastKeccakReady, keccak256Hex, keccak256HexInJavaScript } from "../../../api/src/lib/keccak";

describe("keccak256Hex", function () {
  before(async function () {
    expect(await fastKeccakReady, "the WebAssembly hasher compiled").to.equal(true);
  });

  it("should give the published keccak-256 of the empty string and of 'abc'", function () {
    expect(keccak256Hex("")).to.equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    expect(keccak256Hex("abc")).to.equal("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  });

  it("should agree with the JavaScript keccak and with ethers on any text, Chinese and unpaired surrogates included", function () {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 3000 }), (text) => {
        const fast = keccak256Hex(text);
        expect(fast).to.equal(keccak256HexInJavaScript(text));
        expect(`0x${fast}`).to.equal(ethersKeccak256(toUtf8Bytes(text)));
      }),
      { numRuns: 2000 },
    );
  });

  it("should give the same hash for long inputs that span many keccak blocks", function () {
    const text = "党员发展".repeat(50_000);
    expect(keccak256Hex(text)).to.equal(keccak256HexInJavaScript(text));
  });
});
