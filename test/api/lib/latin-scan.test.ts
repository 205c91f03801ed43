import { expect } from "chai";
import { latinWordsOutside } from "../../helpers/latin";

// The portal tests' scan for English on Chinese pages must not take a copied code for a word, or they fail by chance
// on whichever letters a random id ends in.
describe("latinWordsOutside", function () {
  it("should take no word from ids shortened with or without 0x, whole hex, step codes or URLs", function () {
    const page = "介绍信 0x66e794…cb4e 党员 3f2dd1a0…12aa 哈希 0xABCdef01 步骤 S18 链接 https://a.example/verify?x=fe";
    expect(latinWordsOutside(page)).to.deep.equal([]);
  });

  it("should find an English word left on the page", function () {
    expect(latinWordsOutside("介绍信 0x66e794…cb4e Pending 已开具")).to.deep.equal(["Pending"]);
  });
});
