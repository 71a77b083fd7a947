package web

import (
	"context"
	"html/template"
)

// A HomeBlock renders a feature's block of a site's home page (the
// new-media accounts, internal/web/interact/live). The home page is cached:
// a feature whose block changes appends an outbox event, which drops the
// site's cached pages on every node.
type HomeBlock func(ctx context.Context, siteID int64) (template.HTML, error)

// AddHomeBlock adds a block to the home page, after the columns' panels.
func (s *Server) AddHomeBlock(b HomeBlock) { s.homeBlocks = append(s.homeBlocks, b) }

// HomeBlocks renders every feature's home-page block for the site.
func (s *Server) HomeBlocks(ctx context.Context, siteID int64) ([]template.HTML, error) {
	var out []template.HTML
	for _, b := range s.homeBlocks {
		h, err := b(ctx, siteID)
		if err != nil {
			return nil, err
		}
		if h != "" {
			out = append(out, h)
		}
	}
	return out, nil
}

// A PlaceBlock renders a feature's part of another feature's page: place
// is "column:<slug>" (a column's page, above its items) or "contact" (the
// contact page). It returns "" when it has nothing for the place. Pages
// holding blocks are cached like the home page (see HomeBlock).
type PlaceBlock func(ctx context.Context, siteID int64, place string) (template.HTML, error)

// AddPlaceBlock adds a block to the pages it names.
func (s *Server) AddPlaceBlock(b PlaceBlock) { s.placeBlocks = append(s.placeBlocks, b) }

// PlaceBlocks renders every feature's block for place.
func (s *Server) PlaceBlocks(ctx context.Context, siteID int64, place string) ([]template.HTML, error) {
	var out []template.HTML
	for _, b := range s.placeBlocks {
		h, err := b(ctx, siteID, place)
		if err != nil {
			return nil, err
		}
		if h != "" {
			out = append(out, h)
		}
	}
	return out, nil
}
