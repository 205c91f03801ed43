import { expect } from "chai";
import request from "supertest";
import { ORG_IDS, startTestInstance, type TestInstance } from "../../helpers/service";

describe("Organizations API", function () {
  let instance: TestInstance;

  before(async function () {
    instance = await startTestInstance();
  });

  after(async () => instance?.close());

  describe("GET /api/organizations", function () {
    it("should list the whole consortium by id to anyone, with names and approval power", async function () {
      const response = await request(instance.app).get("/api/organizations").expect(200);
      const items = response.body.items as { id: number; name: string; parentId: number | null; kind: string; mayApprove: boolean; serviceEndpoint: string | null }[];
      expect(items.map((org) => org.id)).to.deep.equal(Object.values(ORG_IDS));
      expect(items.find((org) => org.id === ORG_IDS.committeeB)).to.deep.equal({
        id: ORG_IDS.committeeB,
        parentId: ORG_IDS.consortium,
        kind: "COMMITTEE",
        name: "乙大学党委",
        mayApprove: true,
        serviceEndpoint: null,
      });
      expect(items.find((org) => org.id === ORG_IDS.branchA)).to.include({ name: "计算机学院本科生第一党支部", mayApprove: false, parentId: ORG_IDS.generalBranchA });
    });

    it("should answer a logged-in account the same", async function () {
      const anonymous = await request(instance.app).get("/api/organizations").expect(200);
      const loggedIn = await request(instance.app)
        .get("/api/organizations")
        .set("authorization", `Bearer ${await instance.tokenOf("bClerk")}`)
        .expect(200);
      expect(loggedIn.body).to.deep.equal(anonymous.body);
    });
  });
});
