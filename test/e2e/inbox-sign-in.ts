import type { Page } from "playwright-core";

/** Signs an agent in through the inbox's own form and waits until its live socket is up. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/inbox`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Conversations" }).waitFor();
  await page.getByText("Live", { exact: true }).waitFor();
}
