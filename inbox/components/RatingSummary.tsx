import type { Conversation } from "../../shared/schemas/index.ts";
import { fullWhen } from "./format.ts";

/** The visitor's rating since the conversation was last solved or closed (CONTRACT §10), live with the conversation. */
export function RatingSummary({ rating }: { rating: Conversation["rating"] }) {
  return (
    <section class="rating-summary" aria-labelledby="rating-title">
      <h4 id="rating-title">Satisfaction</h4>
      {rating ? (
        <>
          <p class="stars" title={fullWhen(rating.createdAt)}>
            <span aria-hidden="true">{"★".repeat(rating.score) + "☆".repeat(5 - rating.score)}</span>
            <span class="score">{`Rated ${rating.score} of 5`}</span>
          </p>
          {rating.comment && <blockquote class="rating-comment">{rating.comment}</blockquote>}
        </>
      ) : (
        <p class="muted">Not rated</p>
      )}
    </section>
  );
}
